const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Reads a duration such as `90s`, `10m`, `2d`, `1h30m` or a plain number of seconds (`600`) into seconds. Units:
 * s, m, h, d, w; parts add up and may have decimals (`1.5h`). Returns undefined for anything else (an empty
 * string, a negative number, an unknown unit).
 */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(input)) return Number(input);
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(input)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of input.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) {
    seconds += Number(amount) * (UNITS[unit as string] as number);
  }
  return seconds;
}

/** Shows a number of seconds the short way: `90s` → `1m30s`, `172800` → `2d`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || `${seconds}s`;
}
