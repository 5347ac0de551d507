/**
 * Template text rendering. `{{pin}}` marks where the PIN goes; every other `{{name}}` is filled
 * from the request's `placeholders`. The result is kept as parts split at the PIN positions
 * (text = parts.join(pin)), so a placeholder value can never inject or reveal the PIN, the PIN
 * is never stored inside rendered text, and the voice channel knows where to spell it.
 */
const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
export const PIN_PLACEHOLDER = '{{pin}}';

export function placeholderNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) if (m[1] !== 'pin') names.add(m[1] as string);
  return [...names];
}

export function containsPinPlaceholder(text: string): boolean {
  for (const m of text.matchAll(PLACEHOLDER)) if (m[1] === 'pin') return true;
  return false;
}

export type RenderResult = { parts: string[] } | { missing: string[] };

export function renderParts(text: string, values: Record<string, string> = {}): RenderResult {
  const missing = placeholderNames(text).filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) return { missing };
  const parts: string[] = [];
  let current = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    current += text.slice(last, m.index);
    const name = m[1] as string;
    if (name === 'pin') {
      parts.push(current);
      current = '';
    } else {
      current += values[name];
    }
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(current + text.slice(last));
  return { parts };
}

export function joinParts(parts: readonly string[], pin: string): string {
  return parts.join(pin);
}
