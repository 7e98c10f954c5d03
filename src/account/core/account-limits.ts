/**
 * What one account may do to others (v1.9), from `[vars]`: how many rooms it
 * keeps in the directory, and how many conversations it starts in an hour.
 * Both bound what a single spamming account can reach, not what a person does.
 */

/** Rooms one account keeps listed in the directory at once (`LISTINGS_PER_ACCOUNT`). */
export const DEFAULT_LISTINGS_PER_ACCOUNT = 10;
/** Conversations one account may start in a rolling hour (`NEW_CONVERSATIONS_PER_HOUR`). */
export const DEFAULT_NEW_CONVERSATIONS_PER_HOUR = 20;

export interface AccountLimits {
  listingsPerAccount: number;
  newConversationsPerHour: number;
}

export interface AccountVars {
  LISTINGS_PER_ACCOUNT?: string;
  NEW_CONVERSATIONS_PER_HOUR?: string;
}

/** The limits as set; anything but a positive whole number is the default, so a typo weakens nothing. */
export function accountLimits(vars: AccountVars): AccountLimits {
  return {
    listingsPerAccount: wholeOr(vars.LISTINGS_PER_ACCOUNT, DEFAULT_LISTINGS_PER_ACCOUNT),
    newConversationsPerHour: wholeOr(vars.NEW_CONVERSATIONS_PER_HOUR, DEFAULT_NEW_CONVERSATIONS_PER_HOUR),
  };
}

function wholeOr(setting: string | undefined, fallback: number): number {
  const parsed = Number(setting);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
