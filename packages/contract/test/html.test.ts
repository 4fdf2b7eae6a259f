import { describe, expect, it } from 'vitest';
import { MSN_PATTERN, PHONE_NUMBER_PATTERN } from '../src/common.js';
import { PIN_PATTERN } from '../src/customer-app.js';
import { inputPattern } from '../src/html.js';

/** What a browser does with `<input pattern>`: the whole value must match (HTML, the pattern attribute). */
const inputAccepts = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`, 'v').test(value);

describe('inputPattern: a contract pattern as an <input pattern> attribute', () => {
  it('drops the anchors, which the browser adds itself', () => {
    expect(inputPattern(PHONE_NUMBER_PATTERN)).toBe('\\d{10,15}');
    expect(inputPattern(PIN_PATTERN)).toBe('\\d{4,8}');
    expect(inputPattern(MSN_PATTERN)).toBe('[0-9]{4,10}');
  });

  it('accepts in the browser what the contract accepts, and refuses what it refuses', () => {
    for (const [pattern, values] of [
      [
        PHONE_NUMBER_PATTERN,
        ['4712345678', '471234567890123', '471234567', '4712345678901234', '+4712345678', ''],
      ],
      [PIN_PATTERN, ['1234', '12345678', '123', '123456789', '12a4', '']],
    ] as const) {
      for (const value of values) {
        expect(inputAccepts(inputPattern(pattern), value), `${pattern} on '${value}'`).toBe(
          new RegExp(pattern).test(value),
        );
      }
    }
  });
});
