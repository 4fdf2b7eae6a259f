// @ts-check
/**
 * The landing page's script (served as /customer-assets/landing.js): the language choice, the phone-number step
 * over `POST /app/api/landing/{token}/confirm`, "remember me in this browser" (localStorage, off by default), the
 * countdown, cancel, and live updates over Server-Sent Events. Contract 3.15.
 *
 * When neither a choice nor Accept-Language decided the language, navigator.language does (the page reloads with
 * `lang=…&auto=1`, which is not kept as a choice). Going back in the browser from the waiting screen, after the
 * number was submitted and before the payment is done, cancels the payment (ePayment FAQ: so that the customer
 * does not pay the same order twice) and goes on back to the merchant.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var configElement = document.getElementById('betal-config');
  /**
   * The page's settings (the JSON of #betal-config): the payment's token, state and stage, its brand, the
   * language, where it came from, the languages on offer, and the messages in it.
   * @type {{ token?: string, state?: string, stage?: string, brand?: string, lang?: string, langSource?: string,
   *   languages?: string[], phoneNumberPattern?: string, messages?: Record<string, string> }}
   */
  var config = configElement ? JSON.parse(configElement.textContent || '{}') : {};
  var messages = config.messages || {};
  var token = config.token || '';
  var REMEMBER_KEY = 'betal.landing.phoneNumber';

  /**
   * The message `key` in the page's language, with `{name}` placeholders filled from `values`.
   * @param {string} key
   * @param {Record<string, string | number | undefined>} [values]
   */
  function text(key, values) {
    var message = messages[key] || key;
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  if (config.langSource === 'market' || config.langSource === 'default') {
    var wanted = null;
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var l = 0; l < tags.length && !wanted; l++) {
      var base = String(tags[l] || '')
        .toLowerCase()
        .split(/[-_]/)[0];
      if (base === 'no' || base === 'nn') base = 'nb';
      if ((config.languages || []).indexOf(base) >= 0) wanted = base;
    }
    if (wanted && wanted !== config.lang) {
      var here = new URL(window.location.href);
      here.searchParams.set('lang', wanted);
      here.searchParams.set('auto', '1');
      window.location.replace(here.toString());
      return;
    }
  }

  var select = /** @type {HTMLSelectElement | null} */ (document.querySelector('select[data-autosubmit]'));
  const languageForm = select && select.form;
  if (select && languageForm) {
    select.addEventListener('change', function () {
      languageForm.submit();
    });
  }

  /**
   * POSTs JSON to the landing API of this payment (`/app/api/landing/{token}{path}`).
   * @param {'/confirm' | '/cancel'} path
   * @param {import('@betal/contract').ConfirmLandingRequest} [body]
   * @returns {Promise<{ status: number, body: any }>}
   */
  function post(path, body) {
    return fetch('/app/api/landing/' + encodeURIComponent(token) + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.text().then(function (raw) {
        return { status: response.status, body: raw ? JSON.parse(raw) : undefined };
      });
    });
  }

  /**
   * The ePayment `ErrorCode` or the `CustomerError` reason of a refusal's Problem JSON.
   * @param {{ extraDetails?: { name: string, reason: string }[] } | undefined} body
   * @returns {string | undefined}
   */
  function codeOf(body) {
    var details = (body && body.extraDetails) || [];
    for (var i = 0; i < details.length; i++) {
      if (details[i].name === 'ErrorCode' || details[i].name === 'CustomerError') return details[i].reason;
    }
    return undefined;
  }

  /** A full number as the API takes it: the contract's PHONE_NUMBER_PATTERN, from the page's settings. */
  var PHONE_NUMBER = config.phoneNumberPattern ? new RegExp(config.phoneNumberPattern) : null;
  /** The country codes of the picker; a number that starts with one of them (10 digits or more) is a full one. */
  var CODES = ['47', '45', '358', '46'];
  /**
   * National numbers' lengths per country code (without a leading trunk 0).
   * @type {Record<string, RegExp>}
   */
  var NATIONAL = { 47: /^\d{8}$/, 45: /^\d{8}$/, 46: /^\d{7,9}$/, 358: /^\d{5,10}$/ };

  /**
   * The full MSISDN (country code and number, digits only) of what the customer typed: `+…` or `00…` is a full
   * number, as is one of 10 digits or more that starts with a market's country code (4712345678); anything else
   * is a national number in the picked country (12345678, or 0701234567 with its trunk 0). Null when it is none.
   * @param {string} raw
   * @param {string} code
   * @returns {string | null}
   */
  function fullNumber(raw, code) {
    var typed = String(raw || '').replace(/[\s().-]/g, '');
    var number = null;
    if (/^\+\d+$/.test(typed)) number = typed.slice(1);
    else if (/^00\d+$/.test(typed)) number = typed.slice(2);
    else if (/^\d+$/.test(typed)) {
      var known =
        typed.length >= 10 &&
        CODES.some(function (c) {
          return typed.indexOf(c) === 0;
        });
      if (known) number = typed;
      else {
        var national = typed.replace(/^0/, '');
        var rule = NATIONAL[code];
        number = rule && rule.test(national) ? code + national : null;
      }
    }
    return number && PHONE_NUMBER && PHONE_NUMBER.test(number) ? number : null;
  }

  /**
   * A full number as a person reads it: +47 12345678 (a space after a known country code).
   * @param {string} number
   */
  function shownNumber(number) {
    for (var i = 0; i < CODES.length; i++) {
      if (number.indexOf(CODES[i]) === 0) return '+' + CODES[i] + ' ' + number.slice(CODES[i].length);
    }
    return '+' + number;
  }

  // While this page's own confirm or cancel is under way, the live update it causes must not reload the page
  // before the answer has been read (and the number remembered): the answer reloads it. Two reloads at once abort
  // each other's navigation.
  var acting = false;
  const form = document.getElementById('phone-form');
  const input = document.getElementById('phone');
  const remember = document.getElementById('remember');
  const error = document.getElementById('phone-error');
  const country = document.getElementById('country');
  const full = document.getElementById('phone-full');
  // The phone step (its form renders all of these together), when the page is at it.
  if (
    form &&
    input instanceof HTMLInputElement &&
    remember instanceof HTMLInputElement &&
    error &&
    country instanceof HTMLSelectElement &&
    full
  ) {
    var saved = null;
    try {
      saved = window.localStorage.getItem(REMEMBER_KEY);
    } catch {
      saved = null;
    }
    if (saved) {
      remember.checked = true;
      if (!input.value) input.value = saved;
    }
    var showFull = function () {
      var number = fullNumber(input.value, country.value);
      full.textContent = number ? text('landing.fullNumber', { phone: shownNumber(number) }) : '';
    };
    input.addEventListener('input', function () {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      showFull();
    });
    country.addEventListener('change', showFull);
    showFull();
    /** @param {string} message */
    var showError = function (message) {
      error.textContent = message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    };
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const phoneNumber = fullNumber(input.value, country.value);
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      if (!phoneNumber) {
        showError(text('landing.invalidPhone'));
        return;
      }
      const button = form.querySelector('button[type="submit"]');
      if (!(button instanceof HTMLButtonElement)) return;
      button.disabled = true;
      acting = true;
      post('/confirm', { phoneNumber: phoneNumber }).then(
        function (result) {
          button.disabled = false;
          acting = false;
          if (result.status === 200) {
            try {
              if (remember.checked) window.localStorage.setItem(REMEMBER_KEY, phoneNumber);
              else window.localStorage.removeItem(REMEMBER_KEY);
            } catch {
              /* storage may be off */
            }
            window.location.reload();
            return;
          }
          var code = codeOf(result.body);
          if (code === '7010')
            showError(text('landing.refused', { brand: config.brand }) + ' ' + text('landing.refusedHint'));
          else if (result.status === 400) showError(text('landing.invalidPhone'));
          else window.location.reload();
        },
        function () {
          button.disabled = false;
          acting = false;
          showError(text('landing.invalidPhone'));
        },
      );
    });
  }

  const cancel = document.querySelector('[data-cancel]');
  if (cancel instanceof HTMLButtonElement) {
    cancel.addEventListener('click', function () {
      cancel.disabled = true;
      acting = true;
      post('/cancel').then(
        function () {
          window.location.reload();
        },
        function () {
          window.location.reload();
        },
      );
    });
  }

  // Back from the waiting screen cancels the payment. The waiting screen adds one history entry of its own; going
  // back pops it (popstate, same page), and the page cancels and then goes back once more, to the merchant.
  if (config.state === 'CREATED' && config.stage === 'IN_APP' && window.history && window.history.pushState) {
    if (!window.history.state || window.history.state.betalWaiting !== token) {
      window.history.pushState({ betalWaiting: token }, '', window.location.href);
    }
    // Back at this page from the merchant's (the browser's page cache): show what the payment is now.
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) window.location.reload();
    });
    window.addEventListener('popstate', function () {
      if (window.history.state && window.history.state.betalWaiting === token) return;
      if (source) source.close();
      fetch('/app/api/landing/' + encodeURIComponent(token) + '/cancel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: '{}',
        keepalive: true,
      }).then(
        function () {
          window.history.back();
          // With nothing to go back to, show the page (it says the payment was cancelled, or leads to returnUrl).
          window.setTimeout(function () {
            window.location.reload();
          }, 500);
        },
        function () {
          window.location.reload();
        },
      );
    });
  }

  const timer = document.querySelector('[data-seconds-left]');
  var startedAt = Date.now();
  var secondsLeft = timer ? Number(timer.getAttribute('data-seconds-left')) : 0;
  /**
   * Seconds as the countdown shows them: m:ss, never below 0:00.
   * @param {number} seconds
   */
  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }
  if (timer && config.state === 'CREATED') {
    window.setInterval(function () {
      var elapsed = (Date.now() - startedAt) / 1000;
      timer.textContent = clockText(secondsLeft - elapsed);
    }, 1000);
  }

  /** @type {EventSource | null} */
  var source = null;
  if (config.state === 'CREATED' && typeof window.EventSource === 'function') {
    const events = new EventSource('/app/api/landing/' + encodeURIComponent(token) + '/events');
    source = events;
    events.addEventListener('change', function (event) {
      var data = JSON.parse(event.data);
      if (acting) return;
      if (data.state !== config.state || data.stage !== config.stage) {
        events.close();
        window.location.reload();
      }
    });
    events.addEventListener('clock', function (event) {
      var data = JSON.parse(event.data);
      if (acting) return;
      if (data.state !== config.state || data.stage !== config.stage) {
        events.close();
        window.location.reload();
        return;
      }
      if (typeof data.secondsLeft === 'number') {
        secondsLeft = data.secondsLeft;
        startedAt = Date.now();
        if (timer) timer.textContent = clockText(secondsLeft);
      }
    });
  }
})();
