/**
 * Where a notice's verified mark goes: right after `username` where the text
 * names that person ("alice joined", or one name of the list "bo, alice
 * left" that a run told in short starts with), or null when the text does
 * not name them ("bo, cy, di and 6 more joined"). The notice's `verified`
 * is that one person's, so no other name may carry the mark.
 */
export function markAfter(text: string, username: string): number | null {
  if (username === "") return null;
  for (let at = text.indexOf(username); at >= 0; at = text.indexOf(username, at + 1)) {
    const end = at + username.length;
    // Names hold no spaces, so a name in the list starts the text or follows ", ", and ends at "," or " ".
    const starts = at === 0 || text.startsWith(", ", at - 2);
    const ends = end === text.length || text[end] === " " || text[end] === ",";
    if (starts && ends) return end;
  }
  return null;
}
