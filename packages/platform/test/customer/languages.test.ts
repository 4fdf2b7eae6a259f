import { describe, expect, it } from 'vitest';
import { chooseLanguage } from '../../src/customer/i18n.js';
import { DEV2, ref, webRedirect, usePlatformApi } from '../support/harness.js';

const api = usePlatformApi({ transport: 'socket' });

describe('the landing page speaks English, Norwegian, Danish and Finnish (contract 3.15)', () => {
  it('chooses: an explicit choice, then the browser, then the market, else English', () => {
    expect(chooseLanguage({ query: 'fi', cookie: 'da', acceptLanguage: 'nb-NO', market: 'DK' })).toEqual({
      language: 'fi',
      source: 'choice',
    });
    expect(chooseLanguage({ cookie: 'da', acceptLanguage: 'nb-NO', market: 'NO' })).toEqual({
      language: 'da',
      source: 'choice',
    });
    expect(chooseLanguage({ acceptLanguage: 'de-DE, da;q=0.8, en;q=0.5', market: 'NO' })).toEqual({
      language: 'da',
      source: 'browser',
    });
    expect(chooseLanguage({ acceptLanguage: 'fi-FI', market: 'DK' }).language).toBe('fi');
    expect(chooseLanguage({ acceptLanguage: 'nn' }).language).toBe('nb');
    expect(chooseLanguage({ acceptLanguage: 'de-DE', market: 'DK' })).toEqual({
      language: 'da',
      source: 'market',
    });
    expect(chooseLanguage({ acceptLanguage: 'de-DE', market: 'FI' })).toEqual({
      language: 'fi',
      source: 'market',
    });
    expect(chooseLanguage({ market: 'SE' })).toEqual({
      language: 'en',
      source: 'default',
    });
    expect(chooseLanguage({ query: 'xx' })).toEqual({
      language: 'en',
      source: 'default',
    });
    // A page that speaks only some languages: Danish falls to the next source.
    expect(
      chooseLanguage({ query: 'da', acceptLanguage: 'nb', market: 'DK', allowed: ['en', 'nb'] }),
    ).toEqual({
      language: 'nb',
      source: 'browser',
    });
  });

  async function landing(token: string, headers: Record<string, string> = {}, query = '') {
    const res = await fetch(`${api.url}/landing?token=${encodeURIComponent(token)}${query}`, { headers });
    return { status: res.status, html: await res.text(), cookie: res.headers.get('set-cookie') };
  }

  it('renders in the language of the browser, else of the market, and a choice sticks in a cookie', async () => {
    const dk = await api.create(
      { ...webRedirect(ref('lang-dk')), amount: { currency: 'DKK', value: 5_000 } },
      undefined,
      DEV2,
    );
    const token = new URL(dk.body.redirectUrl!).searchParams.get('token')!;
    const byMarket = await landing(token, { 'accept-language': 'de-DE' });
    expect(byMarket.html).toContain('<html lang="da">');
    expect(byMarket.html).toContain('Betal med MobilePay');
    // One amount format per language: Intl.NumberFormat with the page's locale and the payment's currency.
    expect(byMarket.html).toContain('50,00\u00a0kr.');
    expect(byMarket.html).toContain('"langSource":"market"');
    const byBrowser = await landing(token, { 'accept-language': 'fi-FI,fi;q=0.9' });
    expect(byBrowser.html).toContain('<html lang="fi">');
    expect(byBrowser.html).toContain('Maksa MobilePay-sovelluksella');
    expect(byBrowser.html).toContain('Matkapuhelinnumero');
    expect(byBrowser.html).toContain('50,00\u00a0DKK');
    const english = await landing(token, { 'accept-language': 'en-US,en;q=0.9' });
    expect(english.html).toContain('Pay with MobilePay');
    expect(english.html).toContain('DKK\u00a050.00');
    for (const lang of ['en', 'nb', 'da', 'fi']) expect(english.html).toContain(`<option value="${lang}"`);

    const chosen = await landing(token, { 'accept-language': 'da' }, '&lang=nb');
    expect(chosen.html).toContain('Betal med MobilePay');
    expect(chosen.html).toContain('<html lang="nb">');
    expect(chosen.cookie).toContain('betal_lang=nb');
    const later = await landing(token, { 'accept-language': 'da', cookie: 'betal_lang=nb' });
    expect(later.html).toContain('<html lang="nb">');
    // navigator.language's choice (auto=1) is used but not kept.
    const auto = await landing(token, {}, '&lang=fi&auto=1');
    expect(auto.html).toContain('<html lang="fi">');
    expect(auto.cookie).toBeNull();
  });

  it('an unknown token is a 404 page in the browser language, and a bad lang falls back', async () => {
    const unknown = await landing('no-such-token', { 'accept-language': 'da-DK' });
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('Betalingslinket er ikke gyldigt');
    const norway = await api.create(webRedirect(ref('lang-no')));
    const token = new URL(norway.body.redirectUrl!).searchParams.get('token')!;
    const odd = await landing(token, {}, '&lang=%3Cscript%3E');
    expect(odd.status).toBe(200);
    expect(odd.html).toContain('<html lang="nb">');
  });
});
