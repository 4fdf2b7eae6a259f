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

/**
 * Parses a request body keeping every number's exact digits (as a LosslessNumber), so that a phone number or
 * reference sent as a JSON number can be taken digit for digit even past 2^53, and `100.0` can be told from
 * `100`. An empty body is `undefined`. Throws JsonSyntaxError saying where.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
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
