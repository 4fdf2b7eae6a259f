import { describe, expect, it } from 'vitest';
import { formatMoney } from '../src/money.js';

/** Intl's spaces (no-break, narrow no-break) as plain ones, to compare with what people read. */
const read = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney: one amount format per language', () => {
  it('formats minor units with the locale and the currency', () => {
    expect(read(formatMoney(100_050, 'NOK', 'en-GB'))).toBe('NOK 1,000.50');
    expect(read(formatMoney(100_050, 'NOK', 'nb-NO'))).toBe('1 000,50 kr');
    expect(read(formatMoney(100_050, 'DKK', 'da-DK'))).toBe('1.000,50 kr.');
    expect(read(formatMoney(100_050, 'EUR', 'fi-FI'))).toBe('1 000,50 €');
    expect(read(formatMoney(1, 'EUR'))).toBe('€0.01');
    expect(read(formatMoney(-500, 'NOK', 'en-GB'))).toBe('-NOK 5.00');
  });

  it('keeps an amount on one line: its spaces do not break', () => {
    expect(formatMoney(100_050, 'NOK', 'en-GB')).not.toMatch(/ /);
    expect(formatMoney(100_050, 'NOK', 'nb-NO')).not.toMatch(/ /);
  });

  it('is the same format as Intl.NumberFormat gives in a browser of that language', () => {
    const intl = new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK' }).format(1000.5);
    expect(formatMoney(100_050, 'NOK', 'nb-NO')).toBe(intl);
  });

  it('refuses a malformed currency code', () => {
    expect(() => formatMoney(100, 'NOKK', 'en-GB')).toThrow(RangeError);
  });
});
