// @ts-check
/**
 * The customer's app in the browser (served as /customer-assets/app.js): one test user's requests, Activities and
 * history from the app's JSON API, kept live over Server-Sent Events; a request's screen with merchant, amount,
 * description, order lines and "See details" (an in-app web view of orderDetailsUrl); the consent card before the
 * payment screen; approve, reject and "I'll pay later". Contract 3.12, 3.13, 3.15.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var config = JSON.parse(document.getElementById('betal-config').textContent);
  var messages = config.messages || {};
  var user = config.user;
  var api = '/app/api/users/' + encodeURIComponent(user.phoneNumber);
  var signOut = /** @type {HTMLButtonElement | null} */ (document.querySelector('[data-sign-out]'));
  if (signOut) {
    signOut.addEventListener('click', function () {
      signOut.disabled = true;
      fetch('/app/api/sign-out', { method: 'POST' }).then(function () {
        window.location.assign('/app');
      });
    });
  }
  var screen = document.getElementById('main');
  var push = document.getElementById('push');
  var lists = { requests: [], activities: [], history: [] };
  var known = null;
  var consentGiven = {};
  var termsAccepted = {};
  var outcome = null;
  var fetchedAt = Date.now();
  var lastFocus = null;

  function t(key, values) {
    var message = messages[key] || key;
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }
  function money(currency, value) {
    return new Intl.NumberFormat(config.locale, { style: 'currency', currency: currency }).format(
      value / 100,
    );
  }
  function amountOf(view) {
    return money(view.amount.currency, view.amount.value);
  }
  function dateText(iso) {
    return new Intl.DateTimeFormat(config.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }
  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var keys = Object.keys(attrs || {});
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      var value = attrs[key];
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'onclick') node.addEventListener('click', value);
      else if (key === 'className') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    (children || []).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

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

  function route() {
    var hash = window.location.hash.replace(/^#/, '');
    if (hash.indexOf('r/') === 0) return { request: decodeURIComponent(hash.slice(2)) };
    if (hash === 'done') return { done: true };
    if (hash === 'activities' || hash === 'history') return { tab: hash };
    return { tab: 'requests' };
  }

  function findView(id) {
    var all = lists.requests.concat(lists.activities, lists.history);
    for (var i = 0; i < all.length; i++) if (all[i].id === id) return all[i];
    return undefined;
  }

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
      var n = lists[counts[j].getAttribute('data-count')].length;
      counts[j].textContent = n > 0 ? String(n) : '';
    }
  }

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

  function seeDetails(view) {
    if (!view.orderDetails || !/^https?:\/\//i.test(view.orderDetails.orderDetailsUrl || '')) return null;
    return el('button', {
      type: 'button',
      className: 'secondary',
      text: t('app.seeDetails'),
      'data-see-details': true,
      onclick: function (event) {
        openWebView(view.orderDetails.orderDetailsUrl, view.merchant.name, event.currentTarget);
      },
    });
  }

  function backLink(tab) {
    return el('p', { className: 'back-row' }, [el('a', { href: '#' + tab, text: '← ' + t('app.back') })]);
  }

  function errorText(result) {
    var body = result.body || {};
    var details = body.extraDetails || [];
    for (var i = 0; i < details.length; i++) {
      if (details[i].name === 'ErrorCode' && details[i].reason === '10010')
        return t('app.failed', { detail: body.detail });
    }
    return body.detail || body.title || 'HTTP ' + result.status;
  }

  function finish(kind, view) {
    if (view.holder && view.holder.via === 'app' && view.returnUrl && kind !== 'later') {
      window.location.assign(view.returnUrl);
      return;
    }
    outcome = { kind: kind, view: view };
    window.location.hash = '#done';
  }

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

  function renderConsent(view) {
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
              view.consent.missing.map(function (scope) {
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

  function legalLink(url, label) {
    if (!/^https?:\/\//i.test(url || '')) return el('span', { text: label });
    return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: label });
  }

  function renderTerms(view) {
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
              el('li', {}, [legalLink(view.legalLinks.termsOfSaleUrl, t('terms.termsOfSale'))]),
              el('li', {}, [legalLink(view.legalLinks.privacyPolicyUrl, t('terms.privacyPolicy'))]),
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

  function renderEnded(view) {
    show(
      [
        backLink('history'),
        payHead(view),
        el(
          'section',
          { className: 'sheet' },
          [
            el('p', { className: 'badge', 'data-status': true, text: statusText(view) }),
            el('p', { className: 'hint', text: dateText(view.updatedAt) + ' · ' + view.reference }),
          ].concat([
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
        ),
      ],
      true,
    );
  }

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
      var approval = needConsent ? { consent: consentGiven[view.id] === true } : {};
      if (view.legalLinks) approval.acceptTerms = termsAccepted[view.id] === true;
      act({ id: view.id, action: 'approve' }, approval, 'paid', errorBox, buttons);
    });
    var actions = [pay];
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
      sheet = el(
        'section',
        { className: 'sheet', id: 'cancel-sheet', hidden: true, 'aria-labelledby': 'cancel-title' },
        [
          el('h2', { id: 'cancel-title', text: t('app.cancelQuestion') }),
          el('div', { className: 'actions' }, [later, reject, keep]),
        ],
      );
      cancel.addEventListener('click', function () {
        sheet.hidden = false;
        actionRow.hidden = true;
        cancel.setAttribute('aria-expanded', 'true');
        sheet.scrollIntoView({ block: 'nearest' });
        later.focus();
      });
      keep.addEventListener('click', function () {
        sheet.hidden = true;
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
    else if (view.consent && view.consent.missing.length > 0 && !consentGiven[view.id]) renderConsent(view);
    else if (view.legalLinks && !termsAccepted[view.id]) renderTerms(view);
    else renderPayment(view);
  }

  function render(focus) {
    var r = route();
    if (r.request) renderRequest(r.request, focus);
    else if (r.done) renderDone();
    else renderList(r.tab);
  }

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

  function load(keepScreen) {
    return call('GET', '/requests').then(function (result) {
      if (result.status !== 200) {
        show([el('p', { className: 'notice bad', role: 'alert', text: errorText(result) })]);
        return;
      }
      lists = result.body;
      fetchedAt = Date.now();
      var ids = {};
      lists.requests.concat(lists.activities).forEach(function (v) {
        ids[v.id] = true;
      });
      if (known) {
        var fresh = lists.requests.filter(function (v) {
          return !known[v.id];
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

  var webview = document.getElementById('webview');
  var frame = /** @type {HTMLIFrameElement} */ (document.getElementById('webview-frame'));
  function openWebView(url, title, opener) {
    lastFocus = opener;
    frame.src = url;
    frame.title = title;
    document.getElementById('webview-title').textContent = title;
    /** @type {HTMLAnchorElement} */ (document.getElementById('webview-open')).href = url;
    webview.hidden = false;
    /** @type {HTMLElement} */ (webview.querySelector('[data-close-webview]')).focus();
  }
  function closeWebView() {
    webview.hidden = true;
    frame.src = 'about:blank';
    if (lastFocus) lastFocus.focus();
  }
  webview.querySelector('[data-close-webview]').addEventListener('click', closeWebView);
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
