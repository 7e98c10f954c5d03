import type { Env as HallwayEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends HallwayEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/worker/index");
      durableNamespaces: "ChatRoom" | "Matchmaker";
    }
  }
}
