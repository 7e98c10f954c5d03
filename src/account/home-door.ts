/**
 * Set by the worker on a device's socket into its account's object, once
 * the session checked out: the session's public id, so ending that session
 * closes that socket. The account's object is reached by no other request.
 */
export const HOME_SESSION_HEADER = "x-hallway-home-session";
