import { isLosslessNumber, parse, type LosslessNumber } from 'lossless-json';

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

/**
 * How deep `[` and `{` nest in a JSON text, ignoring brackets inside strings. Bounding it before parsing keeps a
 * hostile body (10 000 nested arrays) from reaching the recursive parser and the validators, so the answer is a
 * 400 that does not depend on how much stack is left.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Parses a request body keeping every number's exact digits (as a LosslessNumber), so that a phone number or
 * reference sent as a JSON number can be taken digit for digit even past 2^53, and `100.0` can be told from
 * `100`. An empty body is `undefined`. Throws JsonSyntaxError saying where, or when arrays and objects nest deeper
 * than {@link MAX_JSON_DEPTH}.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new JsonTooDeepError(
      `arrays and objects nest ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`,
    );
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

export { isLosslessNumber, type LosslessNumber };
