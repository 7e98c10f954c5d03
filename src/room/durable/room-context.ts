import { conversationParties } from "../../protocol";
import type { RoomConfig } from "../config";
import type { ClaimCheck, ListingCheck, RoomContext } from "../core";
import type { BanStore } from "../store/bans";
import type { ConversationStore } from "../store/conversation";
import type { HistoryStore } from "../store/history";
import type { RoleStore } from "../store/roles";
import type { RoomSettingsStore } from "../store/room-settings";
import type { SentStore } from "../store/sent";
import type { Sequencer } from "../store/sequencer";
import type { UploadStore } from "../store/uploads";
import type { FileLinks } from "./file-links";
import type { Members } from "./members";
import type { PrivacyMarker } from "./privacy";

/**
 * What the core reads besides its state: limits, bans, privacy, stored
 * messages and sends, connection clocks; all answered from storage and the
 * caches as they are when asked. Made once per object life, not per event.
 */
export function roomContext(
  config: RoomConfig,
  stores: {
    bans: BanStore;
    history: HistoryStore;
    ids: Sequencer;
    sent: SentStore;
    roles: RoleStore;
    conversation: ConversationStore;
    settings: RoomSettingsStore;
    uploads: UploadStore;
    links: FileLinks;
  },
  privacy: PrivacyMarker,
  members: Members,
  /** The name a `/nick` in this event asks for, and what the accounts said of it; null for any other event. */
  claimedNow: () => { name: string; claim: ClaimCheck } | null,
  room: () => string,
  /** What the owner's account said of the `/list` in this event; null for any other event. */
  listingNow: () => ListingCheck | null,
): RoomContext {
  const { bans, history, ids, sent, roles, conversation, settings, uploads, links } = stores;
  let parties: { of: readonly [string, string] | null } | undefined;
  return {
    config,
    banOn: (username, session, address) => bans.banOn(username, session, Date.now(), address ?? null),
    listBans: () => bans.list(Date.now()),
    get privacy() {
      return privacy.get();
    },
    epoch: () => ids.epoch(),
    findSent: (session, clientId) => sent.find(session, clientId, Date.now()),
    findMessage: (id) => history.findMessage(id),
    reactionOf: (id, emoji, session) => history.reactionOf(id, emoji, session),
    lastActive: (conn) => members.lastActive(conn),
    roles: () => roles.get(),
    get conversation() {
      // The name never changes in an object's life: read once, not on every frame.
      parties ??= { of: conversationParties(room()) };
      return parties.of === null
        ? null
        : { parties: parties.of, names: conversation.names(), blockers: conversation.blockers() };
    },
    settings: () => settings.get(),
    // A `/list` the shell did not ask about (it never reaches the core unasked) is not let through.
    listingSlot: () => listingNow() ?? { kind: "unknown" },
    newToken: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    },
    file: (id) => uploads.file(id),
    fileBytes: (now) => uploads.bytesHeld(now),
    filesPending: (session, now) => uploads.pendingOf(session, now),
    fileUrl: (id, now) => links.url(id, now),
    claimed: (name) => {
      const asked = claimedNow();
      return asked !== null && asked.name === name ? asked.claim : "free";
    },
  };
}
