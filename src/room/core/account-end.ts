import { CloseCode, ErrorCode } from "../../protocol";
import { closeMember, toMember } from "./effects";
import { errorFrame } from "./frames";
import { accountMember } from "./join";
import { leaving } from "./leave";
import { chain, type Outcome, unchanged } from "./outcome";
import type { RoomContext, RoomState } from "./state";

/**
 * An account's sessions were ended everywhere (or the account deleted): its
 * member leaves now, every tab told why, so a session revoked anywhere opens
 * no room a moment longer. It may come back by signing in again.
 */
export function accountEnded(state: RoomState, ctx: RoomContext, accountId: string, now: number): Outcome {
  const member = state.roster.get(accountMember(accountId));
  if (!member) return unchanged(state);
  const told = errorFrame({
    code: ErrorCode.signedOut,
    message: "this account was signed out everywhere; sign in again to come back",
  });
  return chain(
    state,
    () => [...toMember(member, told), ...closeMember(member, CloseCode.signedOut, "signed out")],
    (s) => leaving(s, ctx, member, now, "signed_out"),
  );
}
