import { brandAt } from '../domain/customer-flow.js';
import type { Brand } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';
import type { LandingView } from '../services/customer.js';
import { MARKETS, PHONE_NUMBER_PATTERN, PIN_PATTERN } from '@betal/contract';
import { html, inputPattern, jsonForScript, type Html } from '@betal/contract/html';
import {
  APP_LANGUAGES,
  LANGUAGES,
  LOCALES,
  MESSAGES,
  money,
  translator,
  type Language,
  type LanguageSource,
} from './i18n.js';

/**
 * The server-rendered pages of the customer's side: the landing page (contract 3.15), the choice of a test user's
 * app, the app's shell, and the test-user forms. Small scripts from /customer-assets make them live; every page
 * also reads without them.
 */

/** Where the pages' static files are served. */
export const ASSETS = '/customer-assets';

/** The platform's icon (an SVG of its own), linked from every page of the platform. */
export const FAVICON = `${ASSETS}/favicon.svg`;

function brandName(brand: Brand): string {
  return brand === 'VIPPS' ? 'Vipps' : 'MobilePay';
}

/** A clock face, drawn (the expired screen). */
const CLOCK_ICON = html`<svg viewBox="0 0 24 24" width="36" height="36" focusable="false">
  <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2.2" />
  <path d="M12 7v5.5l3.5 2" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
</svg>`;

/** Our own drawing of the brand: a wallet glyph and the brand's name, in the brand colour of the page. */
function brandMark(brand: Brand): Html {
  const name = brandName(brand);
  return html`<span class="brand-mark brand-${brand.toLowerCase()}" role="img" aria-label="${name}"
    ><svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="2.5" y="5.5" width="19" height="14" rx="3.5" class="wallet" />
      <path d="M15 11h6.5v4H15a2 2 0 0 1 0-4z" class="clasp" />
      <circle cx="15.8" cy="13" r="0.9" class="dot" /></svg
    ><span class="brand-name" aria-hidden="true">${name}</span></span
  >`;
}

interface LayoutOptions {
  lang: Language;
  title: string;
  brand: Brand;
  pageClass: string;
  body: Html;
  script?: string;
  config?: unknown;
}

/** The document around a page: language, viewport, our stylesheet, the page's config and script. */
export function layout(o: LayoutOptions): string {
  return html`<!doctype html>
    <html lang="${o.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${o.title}</title>
        <link rel="icon" href="${FAVICON}" type="image/svg+xml" />
        <link rel="stylesheet" href="${ASSETS}/customer.css" />
        ${
          o.config !== undefined
            ? html`<script type="application/json" id="betal-config">
                ${jsonForScript(o.config)}
              </script>`
            : ''
        }
        ${o.script ? html`<script src="${ASSETS}/${o.script}" defer></script>` : ''}
      </head>
      <body class="brand-${o.brand.toLowerCase()} ${o.pageClass}">
        ${o.body}
      </body>
    </html>`.value;
}

function languageForm(
  lang: Language,
  action: string,
  hidden: Record<string, string>,
  languages: readonly Language[] = APP_LANGUAGES,
): Html {
  const t = translator(lang);
  return html`<form class="lang" method="get" action="${action}">
    ${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <label for="lang">${t('language.label')}</label>
    <select id="lang" name="lang" data-autosubmit>
      ${languages.map(
        (l) =>
          html`<option value="${l}" ${l === lang ? 'selected' : ''}>${MESSAGES[l]['language.name']}</option>`,
      )}
    </select>
    <button type="submit" class="lang-apply">${t('language.apply')}</button>
  </form>`;
}

/** The country codes of the markets, for the landing page's picker (preset from the merchant's market). */
const COUNTRY_CODES: readonly { market: string; code: string }[] = [
  { market: 'NO', code: '47' },
  { market: 'DK', code: '45' },
  { market: 'FI', code: '358' },
  { market: 'SE', code: '46' },
];

/** A country's name in the page's language (the region code when the runtime has no name for it). */
function regionName(lang: Language, region: string): string {
  try {
    return new Intl.DisplayNames([LOCALES[lang]], { type: 'region' }).of(region) ?? region;
  } catch {
    return region;
  }
}

/** A pre-filled MSISDN as the field shows it: the national number when it has the market's country code. */
function nationalPart(msisdn: string | undefined, market: string): string {
  if (!msisdn) return '';
  const code = COUNTRY_CODES.find((c) => c.market === market)?.code;
  return code && msisdn.startsWith(code) && msisdn.length - code.length >= 5
    ? msisdn.slice(code.length)
    : msisdn;
}

/** m:ss of a number of seconds. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function orderSummary(view: LandingView, lang: Language): Html {
  const t = translator(lang);
  return html`<section class="order" aria-labelledby="merchant-name">
    <p class="label">${t('landing.to')}</p>
    <h1 id="merchant-name">${view.merchant.name}</h1>
    <p class="amount">
      <span class="visually-hidden">${t('landing.amount')}: </span
      >${money(lang, view.amount.currency, view.amount.value)}
    </p>
    ${view.description ? html`<p class="description">${view.description}</p>` : ''}
  </section>`;
}

/**
 * The landing page behind a WEB_REDIRECT (or QR) redirectUrl, for one stage of the payment: the phone-number
 * step, the waiting screen with its countdown, or a final screen (expired, cancelled, approved without a
 * returnUrl). `langSource` says where the language came from (the script follows navigator.language when
 * neither a choice nor Accept-Language decided it). Contract 3.15.
 */
export function landingPage(
  view: LandingView,
  lang: Language,
  langSource: LanguageSource = 'default',
): string {
  const t = translator(lang);
  const brand = brandName(view.merchant.brand);
  const back = view.returnUrl
    ? html`<p>
        <a class="button secondary" href="${view.returnUrl}"
          >${t('back', { merchant: view.merchant.name })}</a
        >
      </p>`
    : html`<p>${t('final.close')}</p>`;
  let step: Html;
  let title: string;
  if (view.state === 'CREATED' && view.stage === 'LANDING') {
    title = t('landing.title', { brand });
    step = html`<section class="step" aria-labelledby="step-title">
      <h2 id="step-title">${title}</h2>
      <noscript><p class="error">${t('landing.noscript')}</p></noscript>
      <form id="phone-form" novalidate>
        <label for="phone">${t('landing.phoneLabel')}</label>
        <div class="phone-row">
          <select id="country" name="countryCode" aria-label="${t('landing.country')}">
            ${COUNTRY_CODES.map(
              (c) =>
                html`<option value="${c.code}" ${c.market === view.merchant.market ? 'selected' : ''}>
                  +${c.code} ${regionName(lang, c.market)}
                </option>`,
            )}
          </select>
          <input
            id="phone"
            name="phoneNumber"
            type="tel"
            inputmode="tel"
            autocomplete="tel-national"
            maxlength="20"
            required
            value="${nationalPart(view.prefillPhoneNumber, view.merchant.market)}"
            aria-describedby="phone-hint phone-full phone-error"
          />
        </div>
        <p id="phone-hint" class="hint">${t('landing.phoneHint')}</p>
        <p id="phone-full" class="full-number" aria-live="polite"></p>
        <div id="phone-error" class="error" role="alert" aria-live="assertive"></div>
        <label class="check"
          ><input type="checkbox" id="remember" name="remember" /> ${t('landing.remember')}</label
        >
        <button type="submit" class="primary">${t('landing.next')}</button>
      </form>
      <p class="timer">
        ${t('landing.timeToConfirm')}:
        <span role="timer" aria-live="off" data-seconds-left="${view.secondsLeft}"
          >${clockText(view.secondsLeft)}</span
        >
      </p>
      <p><button type="button" class="link" data-cancel>${t('landing.cancel')}</button></p>
    </section>`;
  } else if (view.state === 'CREATED') {
    title = t('waiting.title', { brand });
    step = html`<section class="step waiting" aria-labelledby="step-title">
      <div class="pulse" aria-hidden="true">
        <div class="handset"><span class="mini-mark"></span></div>
      </div>
      <h2 id="step-title">${title}</h2>
      <p>${t('waiting.text', { phone: view.holder?.phoneNumber ?? '' })}</p>
      <p class="countdown">
        <span>${t('waiting.timeLeft')}</span>
        <strong role="timer" aria-live="off" data-seconds-left="${view.secondsLeft}"
          >${clockText(view.secondsLeft)}</strong
        >
      </p>
      <p><button type="button" class="link" data-cancel>${t('landing.cancel')}</button></p>
    </section>`;
  } else if (view.state === 'EXPIRED') {
    title = t('expired.title');
    step = html`<section class="step final expired" aria-labelledby="step-title">
      <div class="symbol" aria-hidden="true">${CLOCK_ICON}</div>
      <h2 id="step-title">${title}</h2>
      <p>${t('expired.text')}</p>
      ${back}
    </section>`;
  } else {
    title =
      view.state === 'AUTHORIZED'
        ? t('approved.title')
        : view.state === 'ABORTED'
          ? t('aborted.title')
          : t('terminated.title', { merchant: view.merchant.name });
    step = html`<section class="step final ${view.state.toLowerCase()}" aria-labelledby="step-title">
      <div class="symbol" aria-hidden="true">${view.state === 'AUTHORIZED' ? '✓' : '×'}</div>
      <h2 id="step-title">${title}</h2>
      ${back}
    </section>`;
  }
  const body = html`<header class="topbar">
      ${brandMark(view.merchant.brand)} ${languageForm(lang, '/landing', { token: view.id }, LANGUAGES)}
    </header>
    <main class="landing" id="main">${orderSummary(view, lang)} ${step}</main>`;
  return layout({
    lang,
    title: `${title} · ${view.merchant.name}`,
    brand: view.merchant.brand,
    pageClass: 'page-landing',
    body,
    script: 'landing.js',
    config: {
      token: view.id,
      state: view.state,
      stage: view.stage,
      secondsLeft: view.secondsLeft,
      brand,
      lang,
      langSource,
      languages: LANGUAGES,
      // The script checks the full number against the contract's pattern, as the API will.
      phoneNumberPattern: PHONE_NUMBER_PATTERN,
      messages: MESSAGES[lang],
    },
  });
}

/** A page for a person when something is not there (an unknown payment link or test user). */
export function notFoundPage(lang: Language, title: string, text: string, brand: Brand = 'VIPPS'): string {
  return layout({
    lang,
    title,
    brand,
    pageClass: 'page-message',
    body: html`<header class="topbar">${brandMark(brand)}</header>
      <main class="landing" id="main">
        <section class="step final" aria-labelledby="step-title">
          <div class="symbol" aria-hidden="true">?</div>
          <h1 id="step-title">${title}</h1>
          <p>${text}</p>
        </section>
      </main>`,
  });
}

function initials(user: TestUser): string {
  return `${user.givenName.charAt(0)}${user.familyName.charAt(0)}`.toUpperCase();
}

/** The brand of the app of `user` at `now` on the platform clock (MobilePay becomes Vipps, see brandAt). */
function marketBrand(user: TestUser, now: number): Brand {
  return brandAt(user.market, now);
}

/**
 * `/app`: choose whose phone this is; each test user has their own app. With `openToken` (an app switch with no
 * user chosen yet) the chosen app opens that payment. `manage` (dev mode) offers to add and edit test users.
 */
export function chooserPage(
  users: TestUser[],
  lang: Language,
  now: number,
  { openToken, manage = true }: { openToken?: string; manage?: boolean } = {},
): string {
  const t = translator(lang);
  const both = brandAt('DK', now) === 'MOBILEPAY';
  const suffix = openToken ? `?open=${encodeURIComponent(openToken)}` : '';
  const body = html`<div class="phone-frame">
    <header class="app-bar">
      ${brandMark('VIPPS')}
      ${both ? html`<span class="plus" aria-hidden="true">·</span> ${brandMark('MOBILEPAY')}` : ''}
      ${languageForm(lang, '/app', openToken ? { open: openToken } : {})}
    </header>
    <main class="screen chooser" id="main">
      <h1>${t('app.chooseUser')}</h1>
      <p class="hint">${openToken ? t('app.opening') : t('app.chooseUserText')}</p>
      <ul class="users" aria-label="${t('app.chooseUser')}">
        ${users.map(
          (u) =>
            html`<li class="brand-${marketBrand(u, now).toLowerCase()}">
              <a class="user" href="/app/u/${u.phoneNumber}${suffix}">
                <span class="avatar" aria-hidden="true">${initials(u)}</span>
                <span class="who">
                  <span class="name">${u.name}</span>
                  <span class="phone">${u.phoneNumber} · ${u.market}</span>
                  ${!u.appInstalled ? html`<span class="badge warn">${t('app.noApp')}</span>` : ''}
                  ${!u.canPayBusinesses ? html`<span class="badge warn">${t('app.cannotPay')}</span>` : ''}
                </span>
              </a>
              ${
                manage
                  ? html`<a
                      class="edit"
                      href="/app/users/${u.phoneNumber}/edit"
                      aria-label="${t('app.editUser', { name: u.name })}"
                      >${t('app.edit')}</a
                    >`
                  : ''
              }
            </li>`,
        )}
      </ul>
      ${manage ? html`<p><a class="button secondary" href="/app/users/new">${t('app.addUser')}</a></p>` : ''}
    </main>
  </div>`;
  return layout({
    lang,
    title: t('app.chooseUser'),
    brand: 'VIPPS',
    pageClass: 'page-app',
    body,
    script: 'common.js',
  });
}

/**
 * `/app/u/{phoneNumber}`: the shell of one test user's app. The script fills it from the app's JSON API and keeps
 * it live over Server-Sent Events. `openToken` is a payment to open first (app switch, QR scan). `signedIn` (a
 * session outside dev mode) shows "Sign out" instead of "Switch user".
 */
export function appPage(
  user: TestUser,
  lang: Language,
  now: number,
  { openToken, signedIn = false }: { openToken?: string; signedIn?: boolean } = {},
): string {
  const t = translator(lang);
  const brand = marketBrand(user, now);
  const header = html`<header class="app-bar">
    ${brandMark(brand)}
    <span class="app-user"
      ><span class="avatar small" aria-hidden="true">${initials(user)}</span
      ><span class="app-user-name">${user.name}</span></span
    >
    ${
      signedIn
        ? html`<button type="button" class="link switch" data-sign-out>${t('signIn.signOut')}</button>`
        : html`<a class="switch" href="/app${openToken ? `?open=${encodeURIComponent(openToken)}` : ''}"
            >${t('app.switchUser')}</a
          >`
    }
  </header>`;
  if (!user.appInstalled) {
    const body = html`<div class="phone-frame">
      ${header}
      <main class="screen" id="main">
        <section class="empty-state" aria-labelledby="not-installed">
          <h1 id="not-installed">${t('app.notInstalled')}</h1>
          <p>${t('app.notInstalledHint')}</p>
          ${
            openToken
              ? html`<p>
                  <a class="button primary" href="/landing?token=${encodeURIComponent(openToken)}&web=1"
                    >${t('app.continueInBrowser')}</a
                  >
                </p>`
              : ''
          }
          <p><a class="button secondary" href="/app/users/${user.phoneNumber}/edit">${t('app.edit')}</a></p>
        </section>
      </main>
    </div>`;
    return layout({
      lang,
      title: t('app.notInstalled'),
      brand,
      pageClass: 'page-app',
      body,
      script: 'common.js',
    });
  }
  const body = html`<div class="phone-frame">
      ${header}
      <div id="push" class="push" role="status" aria-live="polite"></div>
      <main class="screen" id="main" tabindex="-1" aria-busy="true"></main>
      <nav class="tabs" aria-label="${t('app.tabs')}">
        <a href="#requests" data-tab="requests"
          >${t('app.requests')}<span class="count" data-count="requests"></span
        ></a>
        <a href="#activities" data-tab="activities"
          >${t('app.activities')}<span class="count" data-count="activities"></span
        ></a>
        <a href="#history" data-tab="history">${t('app.history')}</a>
      </nav>
    </div>
    <div id="webview" class="webview" role="dialog" aria-modal="true" aria-labelledby="webview-title" hidden>
      <div class="webview-bar">
        <button type="button" class="link" data-close-webview>${t('app.close')}</button>
        <span id="webview-title" class="webview-title"></span>
        <a class="link" id="webview-open" target="_blank" rel="noopener noreferrer"
          >${t('app.openInBrowser')}</a
        >
      </div>
      <iframe id="webview-frame" title="" sandbox="allow-scripts allow-forms allow-same-origin"></iframe>
    </div>`;
  return layout({
    lang,
    title: t('app.title', { brand: brandName(brand) }),
    brand,
    pageClass: 'page-app',
    body,
    script: 'app.js',
    config: {
      user: {
        phoneNumber: user.phoneNumber,
        name: user.name,
        email: user.email,
        address: user.address,
        birthDate: user.birthDate,
        nin: user.nin,
      },
      lang,
      locale: LOCALES[lang],
      open: openToken ?? null,
      messages: MESSAGES[lang],
    },
  });
}

/**
 * `/app/u/{phoneNumber}` outside dev mode without this user's session: sign in to the app with the user's PIN
 * (the script posts it to `/app/api/sign-in`, which sets the session cookie, and reloads).
 */
export function signInPage(user: TestUser, lang: Language, now: number): string {
  const t = translator(lang);
  const brand = marketBrand(user, now);
  const body = html`<div class="phone-frame">
    <header class="app-bar">
      ${brandMark(brand)} <a class="switch" href="/app">${t('app.switchUser')}</a>
    </header>
    <main class="screen" id="main">
      <h1>${t('signIn.title', { name: user.name })}</h1>
      <p class="hint">${t('signIn.text', { phone: user.phoneNumber })}</p>
      <noscript><p class="error">${t('landing.noscript')}</p></noscript>
      <form id="sign-in-form" class="user-form" novalidate>
        <div class="field">
          <label for="pin">${t('signIn.pin')}</label>
          <input
            id="pin"
            name="pin"
            type="password"
            inputmode="numeric"
            autocomplete="current-password"
            pattern="${inputPattern(PIN_PATTERN)}"
            maxlength="8"
            required
            aria-describedby="pin-error"
          />
          <div id="pin-error" class="error" role="alert" aria-live="assertive"></div>
        </div>
        <button type="submit" class="primary">${t('signIn.submit')}</button>
      </form>
    </main>
  </div>`;
  return layout({
    lang,
    title: t('signIn.title', { name: user.name }),
    brand,
    pageClass: 'page-app',
    body,
    script: 'sign-in.js',
    config: { phoneNumber: user.phoneNumber, messages: MESSAGES[lang] },
  });
}

function field(
  id: string,
  label: string,
  value: string,
  options: { type?: string; required?: boolean; readonly?: boolean; hint?: string; attrs?: Html } = {},
): Html {
  return html`<div class="field">
    <label for="${id}"
      >${label}${options.hint ? html` <span class="hint">(${options.hint})</span>` : ''}</label
    >
    <input
      id="${id}"
      name="${id}"
      type="${options.type ?? 'text'}"
      value="${value}"
      ${options.required ? 'required' : ''}
      ${options.readonly ? 'readonly' : ''}
      aria-describedby="${id}-error"
      ${options.attrs ?? ''}
    />
    <div id="${id}-error" class="error" aria-live="polite"></div>
  </div>`;
}

/** The form that creates (no `user`) or edits a test user, over `POST` and `PATCH /betal/users`. */
export function userFormPage(lang: Language, now: number, user?: TestUser): string {
  const t = translator(lang);
  const v = (s: string | undefined) => s ?? '';
  const title = user ? t('users.edit') : t('users.new');
  const optional = t('users.optional');
  const body = html`<div class="phone-frame">
    <header class="app-bar">
      ${brandMark(user ? marketBrand(user, now) : 'VIPPS')}<a class="switch" href="/app"
        >${t('users.cancel')}</a
      >
    </header>
    <main class="screen" id="main">
      <h1>${title}</h1>
      <form id="user-form" class="user-form" novalidate data-mode="${user ? 'edit' : 'new'}">
        <div id="form-error" class="error" role="alert"></div>
        ${field('phoneNumber', t('users.phoneNumber'), v(user?.phoneNumber), {
          type: 'tel',
          required: true,
          readonly: Boolean(user),
          attrs: html`inputmode="numeric" pattern="${inputPattern(PHONE_NUMBER_PATTERN)}"`,
        })}
        ${field('name', t('users.name'), v(user?.name), { required: true, attrs: html`autocomplete="name"` })}
        ${field('birthDate', t('users.birthDate'), v(user?.birthDate), { type: 'date', required: true })}
        ${field('email', t('users.email'), v(user?.email), { type: 'email', hint: user ? undefined : optional })}
        <fieldset>
          <legend>${t('scope.address')} ${user ? '' : html`<span class="hint">(${optional})</span>`}</legend>
          ${field('streetAddress', t('users.streetAddress'), v(user?.address.streetAddress))}
          ${field('postalCode', t('users.postalCode'), v(user?.address.postalCode))}
          ${field('city', t('users.city'), v(user?.address.city))}
          ${field('country', t('users.country'), v(user?.address.country), { attrs: html`maxlength="2"` })}
        </fieldset>
        ${field('nin', t('users.nin'), v(user?.nin), { hint: user ? undefined : optional, attrs: html`inputmode="numeric"` })}
        <div class="field">
          <label for="market">${t('users.market')}</label>
          <select id="market" name="market">
            ${user ? '' : html`<option value="">${optional}</option>`}
            ${MARKETS.map(
              (m) => html`<option value="${m}" ${user?.market === m ? 'selected' : ''}>${m}</option>`,
            )}
          </select>
        </div>
        <label class="check"
          ><input
            type="checkbox"
            id="canPayBusinesses"
            name="canPayBusinesses"
            ${user?.canPayBusinesses === false ? '' : 'checked'}
          />
          ${t('users.canPayBusinesses')}</label
        >
        <label class="check"
          ><input
            type="checkbox"
            id="appInstalled"
            name="appInstalled"
            ${user?.appInstalled === false ? '' : 'checked'}
          />
          ${t('users.appInstalled')}</label
        >
        <button type="submit" class="primary">${t('users.save')}</button>
      </form>
      ${
        user
          ? html`<section class="danger" aria-label="${t('users.delete')}">
              <button type="button" class="secondary" data-delete>${t('users.delete')}</button>
              <div class="confirm" data-confirm hidden>
                <p>${t('users.confirmDelete', { name: user.name })}</p>
                <button type="button" class="danger-button" data-yes>${t('users.yesDelete')}</button>
                <button type="button" class="secondary" data-keep>${t('users.keep')}</button>
              </div>
            </section>`
          : ''
      }
    </main>
  </div>`;
  return layout({
    lang,
    title,
    brand: user ? marketBrand(user, now) : 'VIPPS',
    pageClass: 'page-app',
    body,
    script: 'users.js',
    config: { phoneNumber: user?.phoneNumber ?? null },
  });
}
