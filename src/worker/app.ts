import { Hono } from "hono";
import type { Env } from "../env";

/** What every route sees: the worker's bindings. */
export type WorkerEnv = { Bindings: Env };

/** Routes under a room name: the name, checked and in its canonical spelling (see `roomName`). */
export type RoomEnv = WorkerEnv & { Variables: { room: string } };

/** One feature's routes, mounted by `src/worker/index.ts` with `app.route`. */
export const routes = () => new Hono<WorkerEnv>();

/** One feature's routes under `/:room`. */
export const roomRoutes = () => new Hono<RoomEnv>();
