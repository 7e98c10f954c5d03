/**
 * The shape every frame of every protocol here shares, `{type, payload}`,
 * given a map from each type to its payload. The frame of one type is spelled
 * so that a builder returns exactly it: `{ type: K; payload: P[K] }` for a
 * literal `K` is the very member of the union, with no narrowing by callers.
 */
export type FrameOf<P, K extends keyof P> = { type: K; payload: P[K] };

/** Any frame of the protocol whose payloads are `P`, discriminated by `type`. */
export type AnyFrameOf<P> = { [K in keyof P]: FrameOf<P, K> }[keyof P];
