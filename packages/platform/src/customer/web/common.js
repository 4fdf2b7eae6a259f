// @ts-check
/**
 * The script of the simple pages (served as /customer-assets/common.js): marks that scripts run, and changes the
 * language as soon as it is chosen.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var select = /** @type {HTMLSelectElement | null} */ (document.querySelector('select[data-autosubmit]'));
  const languageForm = select && select.form;
  if (select && languageForm) {
    select.addEventListener('change', function () {
      languageForm.submit();
    });
  }
})();
