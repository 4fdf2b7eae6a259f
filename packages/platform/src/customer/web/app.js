// @ts-check
/**
 * The customer's app in the browser (served as /customer-assets/app.js): one test user's requests, Activities and
 * history from the app's JSON API, kept live over Server-Sent Events; a request's screen with merchant, amount,
 * description, order lines and "See details" (an in-app web view of orderDetailsUrl); the consent card before the
 * payment screen; approve, reject and "I'll pay later". Contract 3.12, 3.13, 3.15.
 */

/**
 * A request as the app's JSON API answers it (contract AppRequest), with the order data the platform adds.
 * @typedef {import('@betal/contract').AppRequest & {
 *   receipt?: import('@betal/contract').Receipt,
 *   orderDetails?: { orderDetailsUrl?: string, imageUrl?: string }
 * }} View
 */
/** @typedef {'requests' | 'activities' | 'history'} Tab */
/** @typedef {'paid' | 'later' | 'rejected' | 'consentRefused'} Outcome */
/** @typedef {string | number | boolean | null | undefined | ((event: Event) => void)} AttrValue */

(function () {
  'use strict';
  document.documentElement.classList.add('js');

  /**
   * The page's element `id` of the given class. The app's page renders them with this script: a missing one is a
   * broken page, and the script stops there with an error that names it.
   * @template {HTMLElement} T
   * @param {string} id
   * @param {{ new (): T, prototype: T }} type
   * @returns {T}
   */
  function byId(id, type) {
    var node = document.getElementById(id);
    if (!(node instanceof type)) throw new Error('The app page has no ' + type.name + ' #' + id + '.');
    return node;
  }

  /**
   * The page's settings (the JSON of #betal-config): the signed-in test user, the locale, the messages, and the
   * request to open first (app switch, QR scan).
   * @type {{ user: { phoneNumber: string, name?: string, email?: string, birthDate?: string, nin?: string,
   *   address?: { streetAddress: string, postalCode: string, city: string } },
   *   locale?: string, open?: string, messages?: Record<string, string> }}
   */
  var config = JSON.parse(byId('betal-config', HTMLElement).textContent || '{}');
  var messages = config.messages || {};
  var user = config.user;
  var api = '/app/api/users/' + encodeURIComponent(user.phoneNumber);
  const signOut = document.querySelector('[data-sign-out]');
  if (signOut instanceof HTMLButtonElement) {
    signOut.addEventListener('click', function () {
      signOut.disabled = true;
      fetch('/app/api/sign-out', { method: 'POST' }).then(function () {
        window.location.assign('/app');
      });
    });
  }
  var screen = byId('main', HTMLElement);
  var push = byId('push', HTMLElement);
  /** @type {import('@betal/contract').AppRequestLists & Record<Tab, View[]>} */
  var lists = { requests: [], activities: [], history: [] };
  /** @type {Record<string, boolean> | null} the ids waiting or in Activities at the last load */
  var known = null;
  /** @type {Record<string, boolean>} */
  var consentGiven = {};
  /** @type {Record<string, boolean>} */
  var termsAccepted = {};
  /** @type {{ kind: Outcome, view: View } | null} */
  var outcome = null;
  var fetchedAt = Date.now();
  /** @type {HTMLElement | null} */
  var lastFocus = null;

  /**
   * The message `key` in the user's language, with `{name}` placeholders filled from `values`.
   * @param {string} key
   * @param {Record<string, string | number | undefined>} [values]
   */
  function t(key, values) {
    var message = messages[key] || key;
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }
  /**
   * An amount in minor units as money in the user's locale.
   * @param {string} currency
   * @param {number} value
   */
  function money(currency, value) {
    return new Intl.NumberFormat(config.locale, { style: 'currency', currency: currency }).format(
      value / 100,
    );
  }
  /** @param {View} view */
  function amountOf(view) {
    return money(view.amount.currency, view.amount.value);
  }
  /** @param {string} iso */
  function dateText(iso) {
    return new Intl.DateTimeFormat(config.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }
  /**
   * Seconds as the countdown shows them: m:ss, never below 0:00.
   * @param {number} seconds
   */
  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }

  /**
   * A new element: `attrs` are attributes (true: present, empty; null, undefined, false: absent), but `text` sets
   * its text, `className` its class and `onclick` a click listener; `children` are nodes or text (falsy ones left out).
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, AttrValue>} [attrs]
   * @param {(Node | string | null | undefined | false)[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var given = attrs || {};
    var keys = Object.keys(given);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      var value = given[key];
      if (value === undefined || value === null || value === false) continue;
      if (typeof value === 'function') {
        if (key === 'onclick') node.addEventListener('click', value);
      } else if (key === 'text') node.textContent = String(value);
      else if (key === 'className') node.className = String(value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    (children || []).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /**
   * A request to this user's part of the app's JSON API (`/app/api/users/{phoneNumber}{path}`), JSON in and out.
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<{ status: number, body: any }>}
   */
  function call(method, path, body) {
    return fetch(api + path, {
      method: method,
      headers:
        body !== undefined
          ? { 'Content-Type': 'application/json', Accept: 'application/json' }
          : { Accept: 'application/json' },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.text().then(function (raw) {
        return { status: response.status, body: raw ? JSON.parse(raw) : undefined };
      });
    });
  }

  /**
   * What the location's hash shows: a request (`#r/{id}`), the outcome (`#done`) or a tab.
   * @returns {{ request?: string, done?: boolean, tab: Tab }}
   */
  function route() {
    var hash = window.location.hash.replace(/^#/, '');
    if (hash.indexOf('r/') === 0) return { request: decodeURIComponent(hash.slice(2)), tab: 'requests' };
    if (hash === 'done') return { done: true, tab: 'requests' };
    if (hash === 'activities' || hash === 'history') return { tab: hash };
    return { tab: 'requests' };
  }

  /**
   * The loaded request `id`, from any of the lists.
   * @param {string} id
   * @returns {View | undefined}
   */
  function findView(id) {
    var all = lists.requests.concat(lists.activities, lists.history);
    for (var i = 0; i < all.length; i++) if (all[i].id === id) return all[i];
    return undefined;
  }

  /** @param {Tab | ''} current the tab shown, '' for none */
  function updateTabs(current) {
    var tabs = document.querySelectorAll('.tabs a');
    for (var i = 0; i < tabs.length; i++) {
      if (tabs[i].getAttribute('data-tab') === current) tabs[i].setAttribute('aria-current', 'page');
      else tabs[i].removeAttribute('aria-current');
    }
    updateCounts();
  }

  function updateCounts() {
    var counts = document.querySelectorAll('[data-count]');
    for (var j = 0; j < counts.length; j++) {
      var n = lists[/** @type {Tab} */ (counts[j].getAttribute('data-count'))].length;
      counts[j].textContent = n > 0 ? String(n) : '';
    }
  }

  /**
   * Puts `nodes` (falsy ones left out) on the screen; with `focusHeading`, moves the focus to its heading.
   * @param {(Node | null)[]} nodes
   * @param {boolean} [focusHeading]
   */
  function show(nodes, focusHeading) {
    screen.textContent = '';
    nodes.forEach(function (node) {
      if (node) screen.appendChild(node);
    });
    screen.setAttribute('aria-busy', 'false');
    fetchedAt = fetchedAt || Date.now();
    tick();
    if (focusHeading) {
      var heading = screen.querySelector('h1');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    }
  }

  /**
   * A payment's status in the customer's words (never the API's states): waiting, reserved, "Paid NOK 499.00 ·
   * refunded NOK 100.00", cancelled, rejected or expired.
   * @param {View} view
   */
  function statusText(view) {
    if (view.endedBy === 'CONSENT_REFUSED') return t('state.CONSENT_REFUSED');
    if (view.state === 'ABORTED') return t(view.endedBy === 'REJECTED' ? 'state.ABORTED' : 'state.CANCELLED');
    if (view.state !== 'AUTHORIZED') return t('state.' + view.state);
    var sums = view.aggregate;
    var currency = view.amount.currency;
    if (sums.captured > 0) {
      var text = t('history.paid', { amount: money(currency, sums.captured) });
      if (sums.refunded > 0)
        text += ' · ' + t('history.refunded', { amount: money(currency, sums.refunded) });
      return text;
    }
    return t(sums.cancelled > 0 ? 'state.CANCELLED' : 'state.AUTHORIZED');
  }

  /** @param {View} view */
  function card(view) {
    var sub = view.description || view.reference;
    var extra;
    if (view.stage === 'IN_APP' && view.longLiving) extra = t('app.due', { date: dateText(view.expiresAt) });
    else if (view.stage === 'IN_APP') extra = null;
    else if (view.stage === 'POSTPONED') extra = t('app.due', { date: dateText(view.expiresAt) });
    else extra = statusText(view);
    if (view.stage !== 'IN_APP' && view.stage !== 'POSTPONED') sub = sub + ' · ' + dateText(view.updatedAt);
    var deadline =
      view.stage === 'IN_APP' && !view.longLiving
        ? el('span', { className: 'state' }, [
            t('app.expiresIn', { time: '' }),
            el('span', { 'data-left': view.secondsLeft, text: clockText(view.secondsLeft) }),
          ])
        : null;
    var ended = view.stage !== 'IN_APP' && view.stage !== 'POSTPONED';
    return el('li', { className: 'card' }, [
      el('a', { href: '#r/' + encodeURIComponent(view.id), 'data-reference': view.reference }, [
        el('span', { className: 'who' }, [
          el('span', { className: 'merchant', text: view.merchant.name }),
          el('span', { className: 'sub', text: sub }),
          // An ended payment's status ("Paid NOK 499.00 · refunded NOK 100.00") has the card's whole width.
          ended ? el('span', { className: 'status-line', text: extra }) : null,
        ]),
        el('span', { className: 'sum' }, [
          amountOf(view),
          extra && !ended ? el('span', { className: 'state', text: extra }) : null,
          deadline,
        ]),
      ]),
    ]);
  }

  /** @param {Tab} tab */
  function renderList(tab) {
    updateTabs(tab);
    var items = lists[tab];
    var heading = el('h1', { className: 'visually-hidden', text: t('app.' + tab) });
    if (!items.length) {
      var empty =
        tab === 'requests'
          ? 'app.emptyRequests'
          : tab === 'activities'
            ? 'app.emptyActivities'
            : 'app.emptyHistory';
      show([heading, el('p', { className: 'empty', text: t(empty) })]);
      return;
    }
    show([heading, el('ul', { className: 'cards', 'aria-label': t('app.' + tab) }, items.map(card))]);
  }

  /** @param {View} view */
  function receiptTable(view) {
    var receipt = view.receipt;
    if (!receipt || !receipt.orderLines || !receipt.orderLines.length) return null;
    var currency = receipt.bottomLine.currency;
    var total = 0;
    var tax = 0;
    var rows = receipt.orderLines.map(function (line) {
      total += line.isReturn ? -line.totalAmount : line.totalAmount;
      tax += line.isReturn ? -line.totalTaxAmount : line.totalTaxAmount;
      var qty = line.unitInfo && line.unitInfo.quantity ? line.unitInfo.quantity + ' × ' : '';
      return el('tr', {}, [
        el('td', { text: qty + line.name + (line.isShipping ? ' (' + t('app.shipping') + ')' : '') }),
        el('td', {
          className: 'num',
          text: money(currency, line.isReturn ? -line.totalAmount : line.totalAmount),
        }),
      ]);
    });
    var number = receipt.bottomLine.receiptNumber;
    var caption = t('app.order') + (number ? ' · ' + t('app.receiptNumber', { number: number }) : '');
    return el('table', { className: 'lines' }, [
      el('caption', { text: caption }),
      el('tbody', {}, rows),
      el('tfoot', {}, [
        el('tr', {}, [
          el('th', { scope: 'row' }, [
            t('app.total'),
            el('div', { className: 'vat', text: t('app.vat', { amount: money(currency, tax) }) }),
          ]),
          el('td', { className: 'num', text: money(currency, total) }),
        ]),
      ]),
    ]);
  }

  /** @param {View} view */
  function payHead(view) {
    var logo =
      view.orderDetails && view.orderDetails.imageUrl
        ? el('img', { src: view.orderDetails.imageUrl, alt: '' })
        : view.merchant.name.charAt(0).toUpperCase();
    return el('div', { className: 'pay-head brand-' + view.merchant.brand.toLowerCase() }, [
      el('div', { className: 'logo-dot', 'aria-hidden': 'true' }, [logo]),
      el('h1', { text: view.merchant.name }),
      el('p', { className: 'amount', text: amountOf(view) }),
      view.description ? el('p', { className: 'description', text: view.description }) : null,
    ]);
  }

  /** @param {View} view */
  function seeDetails(view) {
    var url = view.orderDetails && view.orderDetails.orderDetailsUrl;
    if (!url || !/^https?:\/\//i.test(url)) return null;
    const detailsUrl = url;
    return el('button', {
      type: 'button',
      className: 'secondary',
      text: t('app.seeDetails'),
      'data-see-details': true,
      onclick: function (event) {
        var opener = event.currentTarget instanceof HTMLElement ? event.currentTarget : null;
        openWebView(detailsUrl, view.merchant.name, opener);
      },
    });
  }

  /** @param {Tab} tab */
  function backLink(tab) {
    return el('p', { className: 'back-row' }, [el('a', { href: '#' + tab, text: '← ' + t('app.back') })]);
  }

  /**
   * A refusal in words: the Problem's detail or title, or the HTTP status.
   * @param {{ status: number, body?: { detail?: string, title?: string,
   *   extraDetails?: { name: string, reason: string }[] } }} result
   */
  function errorText(result) {
    var body = result.body || {};
    var details = body.extraDetails || [];
    for (var i = 0; i < details.length; i++) {
      if (details[i].name === 'ErrorCode' && details[i].reason === '10010')
        return t('app.failed', { detail: body.detail });
    }
    return body.detail || body.title || 'HTTP ' + result.status;
  }

  /**
   * After an action: back to the merchant (a payment opened by app switch), or the outcome screen.
   * @param {Outcome} kind
   * @param {View} view
   */
  function finish(kind, view) {
    if (view.holder && view.holder.via === 'app' && view.returnUrl && kind !== 'later') {
      window.location.assign(view.returnUrl);
      return;
    }
    outcome = { kind: kind, view: view };
    window.location.hash = '#done';
  }

  /**
   * POSTs an action on a request (`/requests/{id}/{action}`) with its buttons disabled; on 200 finishes, else
   * shows why in `errorBox`. Both reload the lists.
   * @param {{ id: string, action: 'approve' | 'reject' | 'refuse-consent' | 'pay-later' }} path
   * @param {import('@betal/contract').ApproveRequest} body
   * @param {Outcome} kind
   * @param {HTMLElement} errorBox
   * @param {HTMLButtonElement[]} buttons
   */
  function act(path, body, kind, errorBox, buttons) {
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    return call('POST', '/requests/' + encodeURIComponent(path.id) + '/' + path.action, body).then(
      function (result) {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
        if (result.status === 200) {
          finish(kind, result.body);
          return load();
        }
        errorBox.textContent = errorText(result);
        return load(true);
      },
    );
  }

  /**
   * The consent card: the profile scopes the payment asks for and the user has not shared yet.
   * @param {View} view
   * @param {string[]} missing
   */
  function renderConsent(view, missing) {
    /** @type {Record<string, string | undefined>} */
    var values = {
      name: user.name,
      email: user.email,
      phoneNumber: user.phoneNumber,
      birthDate: user.birthDate,
      nin: user.nin,
      address: user.address
        ? user.address.streetAddress + ', ' + user.address.postalCode + ' ' + user.address.city
        : '',
    };
    var errorBox = el('div', { className: 'error', role: 'alert' });
    var share = el('button', { type: 'button', className: 'primary', text: t('consent.share') });
    var refuse = el('button', { type: 'button', className: 'secondary', text: t('consent.refuse') });
    share.addEventListener('click', function () {
      consentGiven[view.id] = true;
      render(true);
    });
    refuse.addEventListener('click', function () {
      act({ id: view.id, action: 'refuse-consent' }, {}, 'consentRefused', errorBox, [share, refuse]);
    });
    show(
      [
        backLink('requests'),
        el(
          'section',
          {
            className: 'sheet consent brand-' + view.merchant.brand.toLowerCase(),
            'aria-labelledby': 'consent-title',
          },
          [
            el('h1', { id: 'consent-title', text: t('consent.title', { merchant: view.merchant.name }) }),
            el('p', { text: t('consent.text', { merchant: view.merchant.name }) }),
            el(
              'ul',
              { className: 'scopes' },
              missing.map(function (scope) {
                return el('li', {}, [
                  el('span', { className: 'what', text: t('scope.' + scope) }),
                  el('span', { className: 'value', text: values[scope] || '' }),
                ]);
              }),
            ),
            el('p', { className: 'hint', text: t('consent.refuseNote') }),
            errorBox,
            el('div', { className: 'actions' }, [share, refuse]),
          ],
        ),
      ],
      true,
    );
  }

  /**
   * @param {string | undefined} url
   * @param {string} label
   */
  function legalLink(url, label) {
    if (!/^https?:\/\//i.test(url || '')) return el('span', { text: label });
    return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: label });
  }

  /**
   * The merchant's terms to accept before the payment screen.
   * @param {View} view
   * @param {import('@betal/contract').MerchantLegalLinks} links
   */
  function renderTerms(view, links) {
    var errorBox = el('div', { className: 'error', role: 'alert' });
    var box = el('input', { type: 'checkbox', id: 'accept-terms' });
    var accept = el('button', {
      type: 'button',
      className: 'primary',
      text: t('terms.continue'),
      disabled: true,
    });
    var reject = el('button', {
      type: 'button',
      className: 'secondary',
      text: t('app.reject'),
      'data-action': 'reject',
    });
    box.addEventListener('change', function () {
      accept.disabled = !box.checked;
    });
    accept.addEventListener('click', function () {
      if (!box.checked) return;
      termsAccepted[view.id] = true;
      render(true);
    });
    reject.addEventListener('click', function () {
      act({ id: view.id, action: 'reject' }, {}, 'rejected', errorBox, [accept, reject]);
    });
    show(
      [
        backLink('requests'),
        el(
          'section',
          {
            className: 'sheet terms brand-' + view.merchant.brand.toLowerCase(),
            'aria-labelledby': 'terms-title',
          },
          [
            el('h1', { id: 'terms-title', text: t('terms.title', { merchant: view.merchant.name }) }),
            el('p', { text: t('terms.text', { merchant: view.merchant.name }) }),
            el('ul', { className: 'legal-links' }, [
              el('li', {}, [legalLink(links.termsOfSaleUrl, t('terms.termsOfSale'))]),
              el('li', {}, [legalLink(links.privacyPolicyUrl, t('terms.privacyPolicy'))]),
            ]),
            el('label', { className: 'check' }, [box, ' ' + t('terms.accept')]),
            errorBox,
            el('div', { className: 'actions' }, [accept, reject]),
          ],
        ),
      ],
      true,
    );
  }

  /** @param {View} view */
  function renderEnded(view) {
    show(
      [
        backLink('history'),
        payHead(view),
        el('section', { className: 'sheet' }, [
          el('p', { className: 'badge', 'data-status': true, text: statusText(view) }),
          el('p', { className: 'hint', text: dateText(view.updatedAt) + ' · ' + view.reference }),
          receiptTable(view),
          view.receiptUrl
            ? el('p', {}, [
                el('a', {
                  href: view.receiptUrl,
                  target: '_blank',
                  rel: 'noopener noreferrer',
                  text: view.receiptUrl,
                }),
              ])
            : null,
          seeDetails(view),
        ]),
      ],
      true,
    );
  }

  /** @param {View} view */
  function renderPayment(view) {
    var errorBox = el('div', { className: 'error', role: 'alert' });
    var pay = el('button', {
      type: 'button',
      className: 'primary',
      text: t('app.pay', { amount: amountOf(view) }),
      'data-action': 'approve',
    });
    var buttons = [pay];
    var refusal = null;
    if (view.refusal) {
      pay.disabled = true;
      var message =
        view.refusal.minimumAge !== undefined
          ? t('refusal.age', { age: view.refusal.minimumAge })
          : t('refusal.cannotPay');
      refusal = el('p', { className: 'notice bad', role: 'alert', text: message });
    }
    pay.addEventListener('click', function () {
      var needConsent = view.consent && view.consent.missing.length > 0;
      /** @type {import('@betal/contract').ApproveRequest} */
      var approval = needConsent ? { consent: consentGiven[view.id] === true } : {};
      if (view.legalLinks) approval.acceptTerms = termsAccepted[view.id] === true;
      act({ id: view.id, action: 'approve' }, approval, 'paid', errorBox, buttons);
    });
    var actions = [pay];
    /** @type {HTMLElement | null} */
    var sheet = null;
    if (view.longLiving) {
      var later = el('button', {
        type: 'button',
        className: 'secondary',
        text: t('app.payLater'),
        'data-action': 'pay-later',
      });
      var reject = el('button', {
        type: 'button',
        className: 'secondary',
        text: t('app.rejectPayment'),
        'data-action': 'reject',
      });
      var keep = el('button', { type: 'button', className: 'link', text: t('app.goBack') });
      var cancel = el('button', {
        type: 'button',
        className: 'secondary',
        text: t('app.cancel'),
        'aria-expanded': 'false',
        'aria-controls': 'cancel-sheet',
      });
      const cancelSheet = el(
        'section',
        { className: 'sheet', id: 'cancel-sheet', hidden: true, 'aria-labelledby': 'cancel-title' },
        [
          el('h2', { id: 'cancel-title', text: t('app.cancelQuestion') }),
          el('div', { className: 'actions' }, [later, reject, keep]),
        ],
      );
      sheet = cancelSheet;
      cancel.addEventListener('click', function () {
        cancelSheet.hidden = false;
        actionRow.hidden = true;
        cancel.setAttribute('aria-expanded', 'true');
        cancelSheet.scrollIntoView({ block: 'nearest' });
        later.focus();
      });
      keep.addEventListener('click', function () {
        cancelSheet.hidden = true;
        actionRow.hidden = false;
        cancel.setAttribute('aria-expanded', 'false');
        cancel.focus();
      });
      later.addEventListener('click', function () {
        act({ id: view.id, action: 'pay-later' }, {}, 'later', errorBox, buttons);
      });
      reject.addEventListener('click', function () {
        act({ id: view.id, action: 'reject' }, {}, 'rejected', errorBox, buttons);
      });
      buttons.push(cancel, later, reject);
      actions.push(cancel);
    } else {
      var rejectNow = el('button', {
        type: 'button',
        className: 'secondary',
        text: t('app.reject'),
        'data-action': 'reject',
      });
      rejectNow.addEventListener('click', function () {
        act({ id: view.id, action: 'reject' }, {}, 'rejected', errorBox, buttons);
      });
      buttons.push(rejectNow);
      actions.push(rejectNow);
    }
    var actionRow = el('div', { className: 'actions' }, actions);
    var deadline = view.longLiving
      ? el('p', { className: 'deadline', text: t('app.due', { date: dateText(view.expiresAt) }) })
      : el('p', { className: 'deadline' }, [
          t('app.expiresIn', { time: '' }),
          el('span', { 'data-left': view.secondsLeft, role: 'timer', text: clockText(view.secondsLeft) }),
        ]);
    show(
      [
        backLink(view.stage === 'POSTPONED' ? 'activities' : 'requests'),
        el(
          'section',
          { className: 'payment brand-' + view.merchant.brand.toLowerCase(), 'aria-labelledby': 'pay-title' },
          [
            payHead(view),
            deadline,
            refusal,
            receiptTable(view) ? el('div', { className: 'sheet' }, [receiptTable(view)]) : null,
            seeDetails(view),
            errorBox,
            actionRow,
            sheet,
          ],
        ),
      ],
      true,
    );
    var heading = screen.querySelector('.pay-head h1');
    if (heading) heading.id = 'pay-title';
  }

  function renderDone() {
    updateTabs('');
    if (!outcome) {
      window.location.hash = '#requests';
      return;
    }
    var view = outcome.view;
    var good = outcome.kind === 'paid' || outcome.kind === 'later';
    var message =
      outcome.kind === 'paid'
        ? t('app.paid', { amount: amountOf(view), merchant: view.merchant.name })
        : outcome.kind === 'later'
          ? t('app.savedForLater', { date: dateText(view.expiresAt) })
          : outcome.kind === 'consentRefused'
            ? t('app.consentRefused')
            : t('app.rejected');
    var done = el('a', {
      className: 'button primary',
      href: outcome.kind === 'later' ? '#activities' : '#requests',
      text: t('app.done'),
    });
    show(
      [
        el('section', { className: 'done' + (good ? '' : ' bad') }, [
          el('div', { className: 'symbol', 'aria-hidden': 'true', text: good ? '✓' : '×' }),
          el('h1', { text: message }),
          outcome.kind === 'paid' && receiptTable(view)
            ? el('div', { className: 'sheet' }, [receiptTable(view)])
            : null,
          done,
        ]),
      ],
      true,
    );
  }

  /**
   * Shows request `id`: its outcome when it has ended, else the consent card, the terms, or the payment screen.
   * Fetches it when it is in none of the lists.
   * @param {string} id
   * @param {boolean} focus
   */
  function renderRequest(id, focus) {
    updateTabs('');
    var view = findView(id);
    if (!view) {
      call('GET', '/requests/' + encodeURIComponent(id)).then(function (result) {
        if (result.status === 200) {
          lists.history = lists.history
            .filter(function (v) {
              return v.id !== id;
            })
            .concat([result.body]);
          renderRequest(id, focus);
        } else {
          show(
            [
              backLink('requests'),
              el('p', { className: 'notice bad', role: 'alert', text: errorText(result) }),
            ],
            focus,
          );
        }
      });
      return;
    }
    if (view.state !== 'CREATED') renderEnded(view);
    else if (view.consent && view.consent.missing.length > 0 && !consentGiven[view.id])
      renderConsent(view, view.consent.missing);
    else if (view.legalLinks && !termsAccepted[view.id]) renderTerms(view, view.legalLinks);
    else renderPayment(view);
  }

  /** @param {boolean} focus */
  function render(focus) {
    var r = route();
    if (r.request) renderRequest(r.request, focus);
    else if (r.done) renderDone();
    else renderList(r.tab);
  }

  /** @param {View} view */
  function announce(view) {
    push.textContent = '';
    push.appendChild(el('span', { text: t('app.newRequest', { merchant: view.merchant.name }) }));
    push.appendChild(
      el('button', {
        type: 'button',
        text: t('app.open'),
        onclick: function () {
          push.textContent = '';
          window.location.hash = '#r/' + encodeURIComponent(view.id);
        },
      }),
    );
  }

  /**
   * Loads the lists, announces a new request, and renders the screen again (not a request's screen that is still
   * open, with `keepScreen`).
   * @param {boolean} [keepScreen]
   * @returns {Promise<void>}
   */
  function load(keepScreen) {
    return call('GET', '/requests').then(function (result) {
      if (result.status !== 200) {
        show([el('p', { className: 'notice bad', role: 'alert', text: errorText(result) })]);
        return;
      }
      lists = result.body;
      fetchedAt = Date.now();
      /** @type {Record<string, boolean>} */
      var ids = {};
      lists.requests.concat(lists.activities).forEach(function (v) {
        ids[v.id] = true;
      });
      const before = known;
      if (before) {
        var fresh = lists.requests.filter(function (v) {
          return !before[v.id];
        });
        var current = route().request;
        if (fresh.length && fresh[0].id !== current) announce(fresh[0]);
      }
      known = ids;
      updateCounts();
      var r = route();
      if (keepScreen && r.request) {
        var view = findView(r.request);
        if (view && view.state === 'CREATED') {
          updateTabs('');
          tick();
          return;
        }
      }
      if (r.done) return;
      render(false);
    });
  }

  function tick() {
    var nodes = screen.querySelectorAll('[data-left]');
    var elapsed = (Date.now() - fetchedAt) / 1000;
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = clockText(Number(nodes[i].getAttribute('data-left')) - elapsed);
    }
  }

  var webview = byId('webview', HTMLElement);
  var frame = byId('webview-frame', HTMLIFrameElement);
  var webviewTitle = byId('webview-title', HTMLElement);
  var webviewOpen = byId('webview-open', HTMLAnchorElement);
  var closeButton = webview.querySelector('[data-close-webview]');
  if (!(closeButton instanceof HTMLElement)) throw new Error('The app page has no [data-close-webview].');
  const close = closeButton;
  /**
   * Opens `url` in the in-app web view titled `title`; closing it gives the focus back to `opener`.
   * @param {string} url
   * @param {string} title
   * @param {HTMLElement | null} opener
   */
  function openWebView(url, title, opener) {
    lastFocus = opener;
    frame.src = url;
    frame.title = title;
    webviewTitle.textContent = title;
    webviewOpen.href = url;
    webview.hidden = false;
    close.focus();
  }
  function closeWebView() {
    webview.hidden = true;
    frame.src = 'about:blank';
    if (lastFocus) lastFocus.focus();
  }
  close.addEventListener('click', closeWebView);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !webview.hidden) closeWebView();
  });

  window.addEventListener('hashchange', function () {
    render(true);
  });
  window.setInterval(tick, 1000);

  function start() {
    if (typeof window.EventSource === 'function') {
      var source = new EventSource(api + '/events');
      source.addEventListener('change', function () {
        load(true);
      });
      source.addEventListener('clock', function () {
        load(true);
      });
    }
    if (config.open) {
      var id = config.open;
      call('POST', '/open', { id: id }).then(function (result) {
        window.history.replaceState(null, '', window.location.pathname + '#r/' + encodeURIComponent(id));
        if (result.status !== 200) {
          load().then(function () {
            show(
              [
                backLink('requests'),
                el('p', { className: 'notice bad', role: 'alert', text: errorText(result) }),
              ],
              true,
            );
          });
          return;
        }
        load().then(function () {
          render(true);
        });
      });
      return;
    }
    load();
  }
  start();
})();
