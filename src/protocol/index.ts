export * from "./frames";
export * from "./limits";
export * from "./line";
export * from "./names";
export * from "./outgoing";
export * from "./parse";
export * from "./result";
export * from "./server-frames";
