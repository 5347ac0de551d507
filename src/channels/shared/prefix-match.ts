/**
 * Longest-prefix match over destination digits, used by voice routes, SMS routes and price
 * lists alike: "4179" beats "41" beats "" for 41793026727.
 */
export function longestPrefix<T extends { prefix: string }>(entries: readonly T[], destination: string): T | undefined {
  let best: T | undefined;
  for (const e of entries) {
    if (destination.startsWith(e.prefix) && (!best || e.prefix.length > best.prefix.length)) best = e;
  }
  return best;
}
