// @ts-check
/**
 * The test-user form's script (served as /customer-assets/users.js): creates a user with `POST /betal/users`,
 * changes one with `PATCH /betal/users/{phoneNumber}`, deletes with `DELETE`, and shows the fields the API refused.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var config = JSON.parse(document.getElementById('betal-config').textContent);
  var form = document.getElementById('user-form');
  var formError = document.getElementById('form-error');
  var editing = form.getAttribute('data-mode') === 'edit';

  function value(id) {
    return /** @type {HTMLInputElement} */ (document.getElementById(id)).value.trim();
  }

  function body() {
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
    out.canPayBusinesses = /** @type {HTMLInputElement} */ (
      document.getElementById('canPayBusinesses')
    ).checked;
    out.appInstalled = /** @type {HTMLInputElement} */ (document.getElementById('appInstalled')).checked;
    return out;
  }

  function clearErrors() {
    formError.textContent = '';
    var errors = form.querySelectorAll('.field .error');
    for (var i = 0; i < errors.length; i++) errors[i].textContent = '';
    var inputs = form.querySelectorAll('[aria-invalid]');
    for (var j = 0; j < inputs.length; j++) inputs[j].removeAttribute('aria-invalid');
  }

  function showErrors(problem) {
    var details = (problem && problem.extraDetails) || [];
    var first = null;
    details.forEach(function (d) {
      var id = d.name.split('.').pop();
      var input = document.getElementById(id);
      var box = document.getElementById(id + '-error');
      if (input && box) {
        box.textContent = d.reason;
        input.setAttribute('aria-invalid', 'true');
        if (!first) first = input;
      }
    });
    if (!first) formError.textContent = (problem && (problem.detail || problem.title)) || 'Error';
    var target = first || formError;
    if (target.focus) target.focus();
  }

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
    clearErrors();
    var url = editing ? '/betal/users/' + encodeURIComponent(config.phoneNumber) : '/betal/users';
    send(editing ? 'PATCH' : 'POST', url, body()).then(function (result) {
      if (result.status === 200 || result.status === 201) window.location.assign('/app');
      else showErrors(result.body);
    });
  });

  var del = /** @type {HTMLButtonElement | null} */ (document.querySelector('[data-delete]'));
  if (del) {
    var confirmBox = /** @type {HTMLElement} */ (document.querySelector('[data-confirm]'));
    del.addEventListener('click', function () {
      confirmBox.hidden = false;
      /** @type {HTMLElement} */ (confirmBox.querySelector('[data-keep]')).focus();
    });
    confirmBox.querySelector('[data-keep]').addEventListener('click', function () {
      confirmBox.hidden = true;
      del.focus();
    });
    confirmBox.querySelector('[data-yes]').addEventListener('click', function () {
      send('DELETE', '/betal/users/' + encodeURIComponent(config.phoneNumber)).then(function (result) {
        if (result.status === 204) window.location.assign('/app');
        else showErrors(result.body);
      });
    });
  }
})();
