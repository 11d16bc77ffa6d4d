/** Order by UTF-16 code units, as JavaScript's default sort and the dump format use. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
