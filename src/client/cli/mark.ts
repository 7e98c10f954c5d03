/**
 * A name with its mark when its person is signed in to the account of that
 * name: `alice ✓`. Names never hold a space, so nobody can name themselves
 * into looking marked.
 */
export function marked(name: string, verified: boolean | undefined): string {
  return verified ? `${name} ✓` : name;
}
