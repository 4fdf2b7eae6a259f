/** How the customer's pages answer: their cookies, their language, and their security headers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_LANGUAGES, chooseLanguage, type Language, type LanguageSource } from './i18n.js';

const LANGUAGE_COOKIE = 'betal_lang';

/** The cookies of a request by name (one that cannot be decoded is left out). */
export function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) {
      try {
        out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        // A cookie we cannot decode is not ours.
      }
    }
  }
  return out;
}

/**
 * The language of a page request and where it came from (see chooseLanguage): `market` is the merchant's (the
 * landing page, or the test user's for the app), `allowed` the page's languages (all four by default). A `?lang=` choice is kept
 * in a cookie, unless `auto=1` says the page's script chose it from navigator.language.
 */
export function languageAndSource(
  request: FastifyRequest,
  reply: FastifyReply,
  market?: string,
  allowed: readonly Language[] = APP_LANGUAGES,
): { language: Language; source: LanguageSource } {
  const query = request.query as { lang?: string; auto?: string };
  const chosen = chooseLanguage({
    query: query.lang,
    cookie: cookies(request)[LANGUAGE_COOKIE],
    acceptLanguage: request.headers['accept-language'],
    market,
    allowed,
  });
  if (query.lang === chosen.language && query.auto !== '1') {
    reply.header(
      'set-cookie',
      `${LANGUAGE_COOKIE}=${chosen.language}; Path=/; Max-Age=31536000; SameSite=Lax`,
    );
  }
  return chosen;
}

/** The language of a page of the app with no market to go by; see {@link languageAndSource}. */
export function languageOf(request: FastifyRequest, reply: FastifyReply): Language {
  return languageAndSource(request, reply).language;
}

/**
 * The security headers of a page: never framed (contract 3.15), scripts and styles only from here, no referrer
 * (the landing URL carries the payment's token), not cached. The app may frame orderDetailsUrl in its web view.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  body: string,
  options: { webView?: boolean } = {},
) {
  return reply
    .code(status)
    .header(
      'content-security-policy',
      [
        "default-src 'self'",
        "img-src 'self' data: https: http:",
        `frame-src ${options.webView ? 'https: http:' : "'none'"}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
      ].join('; '),
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

export function redirect(reply: FastifyReply, location: string) {
  return reply.code(303).header('location', location).header('referrer-policy', 'no-referrer').send();
}
