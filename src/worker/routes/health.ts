import { routes } from "../app";

/** `GET /healthz`: the worker answers. Wakes no Durable Object. */
export const health = routes().get("/healthz", (c) => c.json({ ok: true }));
