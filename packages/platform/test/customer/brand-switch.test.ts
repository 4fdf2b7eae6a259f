import { describe, expect, it } from 'vitest';
import { brandAt, VIPPS_FROM } from '../../src/domain/customer-flow.js';

describe('brandAt: MobilePay becomes Vipps in Denmark and Finland on 12 January 2027', () => {
  it('switches at local midnight: 00:00 CET in Denmark, 00:00 EET in Finland', () => {
    expect(new Date(VIPPS_FROM.DK).toISOString()).toBe('2027-01-11T23:00:00.000Z');
    expect(new Date(VIPPS_FROM.FI).toISOString()).toBe('2027-01-11T22:00:00.000Z');
    for (const market of ['DK', 'FI'] as const) {
      expect(brandAt(market, VIPPS_FROM[market] - 1)).toBe('MOBILEPAY');
      expect(brandAt(market, VIPPS_FROM[market])).toBe('VIPPS');
    }
    // At 22:30 UTC on 11 January it is already the 12th in Helsinki, not yet in Copenhagen.
    const between = Date.UTC(2027, 0, 11, 22, 30);
    expect(brandAt('FI', between)).toBe('VIPPS');
    expect(brandAt('DK', between)).toBe('MOBILEPAY');
  });

  it('Norway and Sweden are Vipps before and after', () => {
    for (const market of ['NO', 'SE'] as const) {
      expect(brandAt(market, Date.UTC(2026, 0, 1))).toBe('VIPPS');
      expect(brandAt(market, Date.UTC(2028, 0, 1))).toBe('VIPPS');
    }
  });
});
