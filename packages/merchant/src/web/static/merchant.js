// @ts-check
/**
 * The merchant pages' script (served as /assets/merchant.js): keeps status badges live. It polls `/api/status` for
 * the references on the page every 2 seconds, updates each badge, and on pages that ask for it
 * (`data-reload-on-change`) reloads when a status changes; `data-refresh` (the customer's return pages) asks the
 * merchant to query the platform for payments still pending. Pages work without it.
 */
(function () {
  var badges = function () {
    return Array.prototype.slice.call(document.querySelectorAll('[data-ref]'));
  };
  var reload = document.body.hasAttribute('data-reload-on-change');
  var refresh = document.body.hasAttribute('data-refresh');
  // The shop's pages word statuses for the customer; the merchant's pages in the API's terms.
  var side = document.body.classList.contains('side-shop') ? '&side=shop' : '';
  function poll() {
    var list = badges();
    if (list.length === 0) return;
    var refs = Array.from(
      new Set(
        list.map(function (b) {
          return b.getAttribute('data-ref');
        }),
      ),
    );
    var query = refs
      .map(function (r) {
        return 'ref=' + encodeURIComponent(r);
      })
      .join('&');
    fetch('/api/status?' + query + side + (refresh ? '&refresh=1' : ''), {
      headers: { accept: 'application/json' },
    })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (body) {
        if (!body) return;
        var changed = false;
        list.forEach(function (b) {
          var s = body[b.getAttribute('data-ref')];
          if (!s || s.status === b.getAttribute('data-status')) return;
          changed = true;
          b.setAttribute('data-status', s.status);
          b.className = 'badge badge-' + s.status.toLowerCase();
          b.textContent = s.label;
        });
        if (changed && reload) window.location.reload();
      })
      .catch(function () {});
  }
  setInterval(poll, 2000);
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    var message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      e.preventDefault();
      return;
    }
    const button = form.querySelector('button[type=submit], button:not([type])');
    if (button instanceof HTMLButtonElement)
      setTimeout(function () {
        button.disabled = true;
      }, 0);
  });
  var print = document.querySelector('[data-print]');
  if (print)
    print.addEventListener('click', function () {
      window.print();
    });
})();
