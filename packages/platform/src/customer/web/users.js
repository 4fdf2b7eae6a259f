// @ts-check
/**
 * The test-user form's script (served as /customer-assets/users.js): creates a user with `POST /betal/users`,
 * changes one with `PATCH /betal/users/{phoneNumber}`, deletes with `DELETE`, and shows the fields the API refused.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  const configElement = document.getElementById('betal-config');
  const form = document.getElementById('user-form');
  const formError = document.getElementById('form-error');
  // The page renders these with the script; without them there is nothing to do.
  if (!configElement || !form || !formError) return;
  /** @type {{ phoneNumber?: string }} */
  var config = JSON.parse(configElement.textContent || '{}');
  var editing = form.getAttribute('data-mode') === 'edit';

  /**
   * The trimmed value of the form's input `id` ('' when the page has no such input).
   * @param {string} id
   */
  function value(id) {
    var input = document.getElementById(id);
    return input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input.value.trim() : '';
  }

  /**
   * Whether the form's checkbox `id` is checked.
   * @param {string} id
   */
  function checked(id) {
    var input = document.getElementById(id);
    return input instanceof HTMLInputElement && input.checked;
  }

  /** The body of `POST /betal/users` or `PATCH /betal/users/{phoneNumber}` from the form. */
  function body() {
    /** @type {Record<string, unknown>} */
    var out = {};
    if (!editing) out.phoneNumber = value('phoneNumber');
    out.name = value('name');
    out.birthDate = value('birthDate');
    if (value('email')) out.email = value('email');
    if (value('streetAddress') || value('postalCode') || value('city') || value('country')) {
      out.address = {
        streetAddress: value('streetAddress'),
        postalCode: value('postalCode'),
        city: value('city'),
        country: value('country').toUpperCase(),
      };
    }
    if (value('nin')) out.nin = value('nin');
    if (value('market')) out.market = value('market');
    out.canPayBusinesses = checked('canPayBusinesses');
    out.appInstalled = checked('appInstalled');
    return out;
  }

  /** @param {HTMLElement} form @param {HTMLElement} formError */
  function clearErrors(form, formError) {
    formError.textContent = '';
    var errors = form.querySelectorAll('.field .error');
    for (var i = 0; i < errors.length; i++) errors[i].textContent = '';
    var inputs = form.querySelectorAll('[aria-invalid]');
    for (var j = 0; j < inputs.length; j++) inputs[j].removeAttribute('aria-invalid');
  }

  /**
   * Shows a refusal: each field the Problem's `extraDetails` names next to its input, else its detail or title.
   * @param {{ detail?: string, title?: string, extraDetails?: { name: string, reason: string }[] } | undefined} problem
   * @param {HTMLElement} formError
   */
  function showErrors(problem, formError) {
    var details = (problem && problem.extraDetails) || [];
    /** @type {HTMLElement | null} */
    var first = null;
    details.forEach(function (d) {
      var id = d.name.split('.').pop() || '';
      var input = document.getElementById(id);
      var box = document.getElementById(id + '-error');
      if (input && box) {
        box.textContent = d.reason;
        input.setAttribute('aria-invalid', 'true');
        if (!first) first = input;
      }
    });
    if (!first) formError.textContent = (problem && (problem.detail || problem.title)) || 'Error';
    (first || formError).focus();
  }

  /**
   * Sends a JSON request to the users API and reads the answer's status and JSON body.
   * @param {'POST' | 'PATCH' | 'DELETE'} method
   * @param {string} url
   * @param {unknown} [payload]
   * @returns {Promise<{ status: number, body: any }>}
   */
  function send(method, url, payload) {
    return fetch(url, {
      method: method,
      headers: payload ? { 'Content-Type': 'application/json' } : {},
      body: payload ? JSON.stringify(payload) : undefined,
    }).then(function (response) {
      return response.text().then(function (raw) {
        return { status: response.status, body: raw ? JSON.parse(raw) : undefined };
      });
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors(form, formError);
    var url = editing ? '/betal/users/' + encodeURIComponent(config.phoneNumber || '') : '/betal/users';
    send(editing ? 'PATCH' : 'POST', url, body()).then(function (result) {
      if (result.status === 200 || result.status === 201) window.location.assign('/app');
      else showErrors(result.body, formError);
    });
  });

  const del = document.querySelector('[data-delete]');
  const confirmBox = document.querySelector('[data-confirm]');
  const keep = confirmBox && confirmBox.querySelector('[data-keep]');
  const yes = confirmBox && confirmBox.querySelector('[data-yes]');
  if (
    del instanceof HTMLButtonElement &&
    confirmBox instanceof HTMLElement &&
    keep instanceof HTMLElement &&
    yes instanceof HTMLElement
  ) {
    del.addEventListener('click', function () {
      confirmBox.hidden = false;
      keep.focus();
    });
    keep.addEventListener('click', function () {
      confirmBox.hidden = true;
      del.focus();
    });
    yes.addEventListener('click', function () {
      send('DELETE', '/betal/users/' + encodeURIComponent(config.phoneNumber || '')).then(function (result) {
        if (result.status === 204) window.location.assign('/app');
        else showErrors(result.body, formError);
      });
    });
  }
})();
