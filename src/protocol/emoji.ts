/** Longest emoji accepted as a reaction, in UTF-16 code units (family and flag sequences fit). */
const MAX_EMOJI_LENGTH = 32;

// What an emoji is made of: pictographs, skin-tone modifiers, and the
// components that join or qualify them (zero-width joiner, variation
// selectors, keycap, tags, regional indicators, and the digits of keycaps).
const EMOJI_PARTS = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Emoji_Component}]+$/u;
// ...of which at least one must draw a picture: a pictograph, a flag (two
// regional indicators) or a keycap. A bare digit or `#` is not an emoji.
const PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20E3/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Whether `text` is exactly one emoji, as a person would pick one: one grapheme that draws a picture. */
export function isEmoji(text: string): boolean {
  if (text.length === 0 || text.length > MAX_EMOJI_LENGTH) return false;
  if (!EMOJI_PARTS.test(text) || !PICTURE.test(text)) return false;
  let count = 0;
  for (const _ of graphemes.segment(text)) if (++count > 1) return false;
  return count === 1;
}
