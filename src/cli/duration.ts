/** "90s", "10m", "1h", "1h30m", "500ms", or a plain number of seconds → milliseconds. */
export function parseDuration(text: string): number | { readonly error: string } {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) return { error: `--duration: "${text}" is not a duration (e.g. 30s, 10m, 1h30m)` };
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return trimmed.length === 0 || total <= 0 ? { error: `--duration must be positive (got "${text}")` } : Math.round(total);
}
