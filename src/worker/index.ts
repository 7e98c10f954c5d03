import { Hono } from "hono";
import type { Env } from "../env";
import type { WorkerEnv } from "./app";
import { HttpError, httpError } from "./errors";
import { auth } from "./routes/auth";
import { chat } from "./routes/chat";
import { conversations, talk } from "./routes/conversations";
import { deviceFlow } from "./routes/device-flow";
import { deviceLink } from "./routes/device-link";
import { directory } from "./routes/directory";
import { files } from "./routes/files";
import { health } from "./routes/health";
import { match } from "./routes/match";
import { me } from "./routes/me";
import { roomsApi } from "./routes/rooms-api";
import { tokens } from "./routes/tokens";

export { Account } from "../account/durable/account";
export { AuthGate } from "../account/durable/auth-gate";
export { ClaimIndex } from "../account/durable/claim-index";
export { DeviceFlow } from "../account/durable/device-flow";
export { Directory } from "../directory/durable/directory";
export { Matchmaker } from "../match/durable/matchmaker";
export { ChatRoom } from "../room/durable/chat-room";
export { RoomShard } from "../room/durable/room-shard";

/**
 * The worker: one mount per feature. Each feature's checks are middleware
 * (`./middleware`), and every refusal is one of the errors in `./errors`.
 */
export const app = new Hono<WorkerEnv>();

app.route("/", health);
app.route("/chat", chat);
app.route("/match", match);
app.route("/api/rooms", directory);
app.route("/api/rooms", roomsApi);
app.route("/api/auth/link", deviceLink);
app.route("/api/auth", auth);
app.route("/api/device", deviceFlow);
app.route("/api/tokens", tokens);
app.route("/api/me", me);
app.route("/api/conversations", conversations);
app.route("/talk", talk);
app.route("/files", files);

app.all("/api/*", () => httpError(HttpError.notFound, "no such API route"));

app.notFound(() => httpError(HttpError.notFound, "not found"));

app.onError((err, c) => {
  console.error(JSON.stringify({ event: "error", path: c.req.path, message: String(err) }));
  return httpError(HttpError.internal, "something went wrong");
});

export default app satisfies ExportedHandler<Env>;
