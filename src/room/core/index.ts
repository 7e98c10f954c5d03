/**
 * The room's pure core, as the Durable Object and the tests drive it: platform
 * events in (a join, a frame, a drop, the alarm), one `Outcome` out.
 */

export { accountEnded, conversationEnded, sessionEnded } from "./account-end";
export type { DeliveryEffect, Effect, LogEffect, LogEntry, MembershipEffect, StorageEffect } from "./effects";
export { expire, idleDeadline, nextDeadline } from "./expiry";
export { usersFrame } from "./frames";
export { accountMember, type JoinRequest, join, type SignedInAccount } from "./join";
export { disconnect } from "./leave";
export { isListed } from "./listing";
export { type Outcome, refusalOf } from "./outcome";
export { take as takeToken } from "./rate-limit";
export type { Member, RosterView } from "./roster";
export { receive } from "./router";
export type {
  ClaimCheck,
  ListingCheck,
  ReactionLookup,
  RoomContext,
  RoomSettings,
  RoomState,
  SentRecord,
  StoredMessage,
  UploadSlot,
} from "./state";
export { type SlotRefusal, takeSlot } from "./uploads";
