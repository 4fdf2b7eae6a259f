// @ts-check
/**
 * The sign-in page's script (served as /customer-assets/sign-in.js), outside dev mode: sends the phone number and
 * PIN to `POST /app/api/sign-in` (which sets the HttpOnly session cookie) and reloads the app, or says why not.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  const configElement = document.getElementById('betal-config');
  const form = document.getElementById('sign-in-form');
  const pin = document.getElementById('pin');
  const error = document.getElementById('pin-error');
  // The page renders these with the script; without them there is nothing to do.
  if (!configElement || !form || !(pin instanceof HTMLInputElement) || !error) return;
  /** @type {{ phoneNumber: string, messages?: Record<string, string> }} */
  var config = JSON.parse(configElement.textContent || '{}');
  var messages = config.messages || {};
  var select = /** @type {HTMLSelectElement | null} */ (document.querySelector('select[data-autosubmit]'));
  const languageForm = select && select.form;
  if (select && languageForm) {
    select.addEventListener('change', function () {
      languageForm.submit();
    });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.textContent = '';
    pin.removeAttribute('aria-invalid');
    // The input's pattern is the contract's PIN_PATTERN; the browser anchors it, as here.
    if (!new RegExp('^(?:' + pin.pattern + ')$').test(pin.value)) {
      error.textContent = messages['signIn.invalidPin'];
      pin.setAttribute('aria-invalid', 'true');
      pin.focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    if (!(button instanceof HTMLButtonElement)) return;
    button.disabled = true;
    fetch('/app/api/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ phoneNumber: config.phoneNumber, pin: pin.value }),
    }).then(
      function (response) {
        button.disabled = false;
        if (response.status === 200) {
          window.location.reload();
          return;
        }
        error.textContent = messages[response.status === 429 ? 'signIn.locked' : 'signIn.failed'];
        pin.setAttribute('aria-invalid', 'true');
        pin.value = '';
        pin.focus();
      },
      function () {
        button.disabled = false;
        error.textContent = messages['signIn.failed'];
      },
    );
  });
})();
