// @ts-check
/**
 * The sign-in page's script (served as /customer-assets/sign-in.js), outside dev mode: sends the phone number and
 * PIN to `POST /app/api/sign-in` (which sets the HttpOnly session cookie) and reloads the app, or says why not.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var config = JSON.parse(document.getElementById('betal-config').textContent);
  var messages = config.messages || {};
  var form = document.getElementById('sign-in-form');
  var pin = /** @type {HTMLInputElement} */ (document.getElementById('pin'));
  var error = document.getElementById('pin-error');
  var select = /** @type {HTMLSelectElement | null} */ (document.querySelector('select[data-autosubmit]'));
  if (select) {
    select.addEventListener('change', function () {
      select.form.submit();
    });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.textContent = '';
    pin.removeAttribute('aria-invalid');
    if (!/^\d{4,8}$/.test(pin.value)) {
      error.textContent = messages['signIn.invalidPin'];
      pin.setAttribute('aria-invalid', 'true');
      pin.focus();
      return;
    }
    var button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
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
