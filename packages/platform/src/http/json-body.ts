import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';

/** A JSON syntax error with where it happened (1-based line and column). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number | undefined,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** A body that may be valid JSON but nests deeper than this API reads. */
export class JsonTooDeepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonTooDeepError';
  }
}

/** The deepest nesting of arrays and objects a request body may have; no ePayment body comes near it. */
export const MAX_JSON_DEPTH = 64;

/** What one pass over a JSON text finds (see {@link scan}). */
interface Scan {
  /** How deep `[` and `{` nest, ignoring brackets inside strings. */
  depth: number;
  /** How many object keys the text spells (strings followed by `:`), duplicates counted each time. */
  keys: number;
  /**
   * Every number is a plain integer of at most 15 digits (`0`, `42`, `-7`; no fraction, exponent or `-0`), so
   * JSON.parse reads it exactly and `String(n)` gives back its digits as sent.
   */
  shortIntegers: boolean;
}

/**
 * One pass over a JSON text, outside strings: the nesting depth (bounding it before parsing keeps a hostile body,
 * 10 000 nested arrays, from reaching the recursive parser and the validators, so the answer is a 400 that does not
 * depend on how much stack is left), the keys it spells and whether its numbers are all short integers.
 */
function scan(text: string): Scan {
  let depth = 0;
  let max = 0;
  let keys = 0;
  let shortIntegers = true;
  let afterString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      afterString = true;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (afterString && c === 0x3a) keys++;
    afterString = false;
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (shortIntegers && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      let j = c === 0x2d ? i + 1 : i;
      const first = j;
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const digits = j - first;
      const next = j < text.length ? text.charCodeAt(j) : 0;
      const leadingZero = text.charCodeAt(first) === 0x30 && (digits > 1 || c === 0x2d);
      if (digits === 0 || digits > 15 || leadingZero || next === 0x2e || next === 0x65 || next === 0x45) {
        shortIntegers = false;
      }
      i = j - 1;
    }
  }
  return { depth: max, keys, shortIntegers };
}

/**
 * A JSON.parse result brought to what the lossless parser gives for the same text: each number (a short integer,
 * see {@link Scan}) becomes a LosslessNumber of its digits. Counts the object keys it meets, so that a text that
 * repeated a key (which JSON.parse takes silently, the lossless parser refuses) can be told.
 */
function asLossless(value: unknown, counted: { keys: number }): unknown {
  if (typeof value === 'number') return new LosslessNumber(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = asLossless(value[i], counted);
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    counted.keys++;
    const v = object[key];
    if (v === null || (typeof v !== 'object' && typeof v !== 'number')) continue;
    const next = asLossless(v, counted);
    // defineProperty, not assignment: a key such as `__proto__` must stay an ordinary key.
    if (next !== v)
      Object.defineProperty(object, key, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return object;
}

/**
 * The lossless parse by way of the native JSON.parse, for a text whose numbers are all short integers and whose
 * keys are all different: the same value, several times faster. Undefined when it cannot say (the text is not
 * valid JSON, or repeats a key), and the lossless parser decides.
 */
function nativeParse(text: string, keys: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const counted = { keys: 0 };
  const lossless = asLossless(value, counted);
  return counted.keys === keys ? lossless : undefined;
}

/**
 * Parses a request body keeping every number's exact digits (as a LosslessNumber), so that a phone number or
 * reference sent as a JSON number can be taken digit for digit even past 2^53, and `100.0` can be told from
 * `100`. An empty body is `undefined`. Throws JsonSyntaxError saying where, or when arrays and objects nest deeper
 * than {@link MAX_JSON_DEPTH}. A body whose numbers are all short integers is read by JSON.parse and given the same
 * shape (the lossless parser only for bodies that need it); a repeated key with another value is refused either way.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  const { depth, keys, shortIntegers } = scan(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new JsonTooDeepError(
      `arrays and objects nest ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`,
    );
  }
  // Most bodies hold no long or fractional number: JSON.parse reads those exactly (issue #15).
  if (shortIntegers) {
    const value = nativeParse(text, keys);
    if (value !== undefined) return value;
  }
  try {
    return parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const pos = /position (\d+)/.exec(message);
    if (!pos) throw new JsonSyntaxError(message, undefined, undefined, undefined);
    const position = Number(pos[1]);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    throw new JsonSyntaxError(
      `${message.replace(/ at position \d+/, '')} at line ${line}, column ${column} (position ${position})`,
      position,
      line,
      column,
    );
  }
}

export { isLosslessNumber, LosslessNumber };
