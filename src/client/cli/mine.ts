import { nameKey } from "../../protocol";

/** Who is reading: the name the room gave, and the author id (v1.8) its messages carry. */
export interface Reader {
  name: string | null;
  authorId?: string | undefined;
}

/**
 * Whether a message is the reader's own. A name can pass to someone else (the
 * author left and another took it), so the person decides: the message's
 * `authorId` against the one the welcome gave. Only when either side has no
 * id (an older server) does the name decide, as it did before v1.8.
 */
export function isMine(author: { username: string; authorId?: string | undefined }, reader: Reader): boolean {
  if (author.authorId !== undefined && reader.authorId !== undefined) return author.authorId === reader.authorId;
  return reader.name !== null && nameKey(author.username) === nameKey(reader.name);
}
