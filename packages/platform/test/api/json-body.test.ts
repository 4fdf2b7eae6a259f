import fc from 'fast-check';
import { parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { isLosslessNumber, parseJsonBody } from '../../src/http/json-body.js';

/** What the lossless parser alone makes of a text: its value, or its error's message. */
function lossless(text: string): { value: unknown } | { error: string } {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function ours(text: string): { value: unknown } | { error: string } {
  try {
    return { value: parseJsonBody(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('parseJsonBody: JSON.parse where it is exact, the lossless parser elsewhere (issue #15)', () => {
  it('gives the same value as the lossless parser for any JSON text', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), (text) => {
        const got = ours(text);
        const want = lossless(text);
        expect('value' in got).toBe('value' in want);
        if ('value' in got && 'value' in want) expect(got.value).toStrictEqual(want.value);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every number as a LosslessNumber of the digits sent, short or long', () => {
    const body = parseJsonBody(
      '{"amount":{"value":10000,"currency":"NOK"},"n":-7,"z":0,"big":12345678901234567890,"f":12300.0,"e":1e3,"m":-0}',
    ) as Record<string, unknown> & { amount: { value: unknown } };
    expect(isLosslessNumber(body.amount.value)).toBe(true);
    expect((body.amount.value as { value: string }).value).toBe('10000');
    for (const [key, digits] of [
      ['n', '-7'],
      ['z', '0'],
      ['big', '12345678901234567890'],
      ['f', '12300.0'],
      ['e', '1e3'],
      ['m', '-0'],
    ] as const) {
      expect(isLosslessNumber(body[key]), key).toBe(true);
      expect((body[key] as { value: string }).value, key).toBe(digits);
    }
    const short = parseJsonBody('[1, 22, 333, {"a": [4]}]') as unknown[];
    expect((short[2] as { value: string }).value).toBe('333');
  });

  it('refuses a key repeated with another value, as the lossless parser does, and takes an identical repeat', () => {
    expect(() => parseJsonBody('{"reference":"a","reference":"b"}')).toThrow(/Duplicate key 'reference'/);
    expect(() => parseJsonBody('{"a":{"v":1,"v":2}}')).toThrow(/Duplicate key 'v'/);
    expect(parseJsonBody('{"reference":"a","reference":"a"}')).toEqual({ reference: 'a' });
  });

  it('keeps __proto__ an ordinary key, and says where a syntax error is', () => {
    const body = parseJsonBody('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toEqual(['__proto__', 'y']);
    expect(isLosslessNumber((body.__proto__ as Record<string, unknown>).x)).toBe(true);
    expect(() => parseJsonBody('{"a":1,}')).toThrow(/line 1, column \d+ \(position \d+\)/);
    expect(() => parseJsonBody('{"a":"x:y",')).toThrow(/position/);
  });

  it('counts keys only outside strings: a colon or quote inside a string changes nothing', () => {
    const text = '{"a":"b\\":c","d":"e: f","g":["h:", 1]}';
    expect(ours(text)).toStrictEqual(lossless(text));
  });
});
