/**
 * The one amount format of Betal's pages: minor units as money in a language, by `Intl.NumberFormat` with the
 * page's locale and the payment's currency (contract 1: amounts are integers in minor units, NOK, DKK or EUR).
 * The platform's customer pages and dashboard and the merchant's pages all format through this; the browser
 * scripts of the customer's side follow the same rule with `Intl` in the page.
 */

const formats = new Map<string, Intl.NumberFormat>();

/** The cached `Intl.NumberFormat` of a locale and currency (style `currency`). */
function numberFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format;
}

/**
 * Minor units as money for people: `formatMoney(100050, 'NOK', 'en-GB')` → `NOK 1,000.50`, and with `nb-NO`
 * → `1 000,50 kr` (Intl's spaces are no-break spaces, so an amount never wraps). `locale` is a BCP 47 tag
 * (`en-GB` when left out); `currency` an ISO 4217 code. The minor unit follows the currency's digits (two for
 * NOK, DKK and EUR). Negative amounts get the locale's minus sign. Throws a RangeError for a malformed locale
 * or currency code.
 */
export function formatMoney(minorUnits: number, currency: string, locale = 'en-GB'): string {
  const format = numberFormat(locale, currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}
