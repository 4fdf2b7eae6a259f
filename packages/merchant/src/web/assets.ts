/**
 * The merchant pages' stylesheet and script, served at `/assets/merchant.css` and `/assets/merchant.js`. Kept as
 * strings here so that the compiled package needs no copy step. The script keeps status badges live: it polls
 * `/api/status` for the references on the page every 2 seconds, updates each badge, and on pages that ask for it
 * (`data-reload-on-change`) reloads when a status changes; `data-refresh` (the customer's return pages) asks the
 * merchant to query the platform for payments still pending. Pages work without it.
 */

export const MERCHANT_CSS = `
:root { --ink: #1d1d2b; --muted: #5d6070; --line: #dfe1e8; --bg: #f6f6f9; --accent: #ff5b24; --accent-ink: #fff;
  --ok: #1d7f4e; --warn: #9a6a00; --bad: #b3261e; --info: #2457c5; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.45; }
.side-merchant { --accent: #2f3a8f; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; padding: .8rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header.top .logo { font-weight: 700; font-size: 1.15rem; color: var(--ink); text-decoration: none; }
header.top .logo small { font-weight: 500; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; }
header.top nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
header.top nav a { color: var(--ink); text-decoration: none; padding: .2rem 0; border-bottom: 2px solid transparent; }
header.top nav a:hover { border-color: var(--accent); }
main { max-width: 1040px; margin: 0 auto; padding: 1.5rem; }
footer { max-width: 1040px; margin: 0 auto; padding: 0 1.5rem 2rem; color: var(--muted); font-size: .9rem; }
footer a { margin-right: .8rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; }
a { color: var(--info); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1.1rem 1.2rem; margin: 0 0 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 1rem; }
.product .pic { height: 110px; border-radius: 8px; margin-bottom: .7rem; display: flex; align-items: center; justify-content: center; color: #fff; font-size: 2.2rem; font-weight: 700; }
.product h3 { margin: 0 0 .2rem; font-size: 1.05rem; }
.product p { margin: 0 0 .6rem; color: var(--muted); font-size: .92rem; }
.price { font-weight: 700; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: .55rem .7rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #fafafc; font-weight: 600; font-size: .9rem; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: 0; }
tfoot td { font-weight: 700; }
form.inline { display: inline-flex; gap: .4rem; align-items: center; margin: 0; }
form.stack { display: grid; gap: .8rem; max-width: 560px; }
label { font-weight: 600; font-size: .92rem; display: block; margin-bottom: .2rem; }
.hint { color: var(--muted); font-size: .85rem; font-weight: 400; }
input[type=text], input[type=tel], input[type=date], input[type=number], select { font: inherit; padding: .45rem .55rem; border: 1px solid #b9bccb; border-radius: 6px; width: 100%; background: #fff; }
input.small { width: 7rem; }
input[aria-invalid=true] { border-color: var(--bad); }
.check { display: flex; gap: .5rem; align-items: flex-start; font-weight: 400; }
.check input { margin-top: .3rem; }
button, .button { font: inherit; font-weight: 600; border: 0; border-radius: 6px; padding: .5rem .9rem; background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #e7e8ef; color: var(--ink); }
button.danger { background: var(--bad); }
button.vipps { background: #ff5b24; font-size: 1.05rem; padding: .7rem 1.2rem; }
button:disabled { opacity: .5; cursor: not-allowed; }
.flash { padding: .7rem 1rem; border-radius: 8px; margin-bottom: 1rem; border: 1px solid; }
.flash-error { background: #fdecea; border-color: #f1b5b0; color: var(--bad); }
.flash-notice { background: #e9f6ef; border-color: #a9d9bd; color: var(--ok); }
.flash-warning { background: #fff6e0; border-color: #f0d58c; color: var(--warn); }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .82rem; font-weight: 600; background: #eceef4; color: var(--muted); white-space: nowrap; }
.badge-authorized, .badge-partially_captured { background: #e6efff; color: var(--info); }
.badge-captured, .badge-paid { background: #e3f5ea; color: var(--ok); }
.badge-pending, .badge-open { background: #fff4d6; color: var(--warn); }
.badge-aborted, .badge-expired, .badge-terminated, .badge-failed, .badge-cancelled { background: #fbe7e5; color: var(--bad); }
.badge-refunded, .badge-partially_refunded { background: #f0e8ff; color: #6a3bc0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.2rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
.actions form { background: #fafafc; border: 1px solid var(--line); border-radius: 8px; padding: .7rem; }
.qr svg { width: 220px; height: 220px; display: block; }
.link-url { font-family: ui-monospace, monospace; word-break: break-all; background: #f1f2f6; padding: .4rem .6rem; border-radius: 6px; }
.big { font-size: 2rem; font-weight: 700; margin: .3rem 0; }
.center { text-align: center; }
.muted { color: var(--muted); }
.row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; }
.lines-table input { min-width: 0; }
.print-sheet { max-width: 520px; margin: 1rem auto; text-align: center; }
.print-sheet .qr svg { margin: 1rem auto; width: 300px; height: 300px; }
.flows li { margin-bottom: .5rem; }
code { background: #f1f2f6; padding: .05rem .3rem; border-radius: 4px; font-size: .9em; }
pre { background: #f1f2f6; padding: .6rem; border-radius: 6px; overflow-x: auto; font-size: .82rem; }
@media (max-width: 560px) { main { padding: 1rem .6rem; } th, td { padding: .45rem .4rem; font-size: .9rem; }
  .hide-narrow { display: none; } header.top { padding: .6rem .8rem; } h1 { font-size: 1.35rem; } .big { font-size: 1.6rem; } }
@media print { header.top, footer, .no-print { display: none !important; } body { background: #fff; } .card { border: 0; } }
`;

export const MERCHANT_JS = `
(function () {
  var badges = function () { return Array.prototype.slice.call(document.querySelectorAll('[data-ref]')); };
  var reload = document.body.hasAttribute('data-reload-on-change');
  var refresh = document.body.hasAttribute('data-refresh');
  function poll() {
    var list = badges();
    if (list.length === 0) return;
    var refs = Array.from(new Set(list.map(function (b) { return b.getAttribute('data-ref'); })));
    var query = refs.map(function (r) { return 'ref=' + encodeURIComponent(r); }).join('&');
    fetch('/api/status?' + query + (refresh ? '&refresh=1' : ''), { headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
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
    var message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) { e.preventDefault(); return; }
    var button = form.querySelector('button[type=submit], button:not([type])');
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
  var print = document.querySelector('[data-print]');
  if (print) print.addEventListener('click', function () { window.print(); });
})();
`;
