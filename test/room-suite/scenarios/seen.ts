import type { ServerFrame, ServerFrameType } from "../../../src/protocol";

/** Reading what a person received, as the scenarios assert it. */

type Frame<K extends ServerFrameType> = Extract<ServerFrame, { type: K }>;

export const ofType = <K extends ServerFrameType>(frames: ServerFrame[], type: K): Frame<K>[] =>
  frames.filter((f): f is Frame<K> => f.type === type);

/** The notices a person saw, as `event:username`. */
export const notices = (frames: ServerFrame[]) =>
  ofType(frames, "system").map((f) => `${f.payload.event}:${f.payload.username}`);

export const counts = (frames: ServerFrame[]) => ofType(frames, "userCount").map((f) => f.payload.count);

export const welcomeOf = (frames: ServerFrame[]) => {
  const welcome = ofType(frames, "welcome")[0];
  if (!welcome) throw new Error(`no welcome among ${JSON.stringify(frames)}`);
  return welcome.payload;
};

/** The newest id a person has seen: what a client brings back as `since`. */
export const lastIdSeen = (frames: ServerFrame[]) =>
  Math.max(0, ...frames.flatMap((f) => (f.type === "system" || f.type === "chatMessage" ? [f.payload.id] : [])));
