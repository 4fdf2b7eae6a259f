// @ts-check
/**
 * The script of the simple pages (served as /customer-assets/common.js): marks that scripts run, and changes the
 * language as soon as it is chosen.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var select = /** @type {HTMLSelectElement | null} */ (document.querySelector('select[data-autosubmit]'));
  if (select) {
    select.addEventListener('change', function () {
      select.form.submit();
    });
  }
})();
