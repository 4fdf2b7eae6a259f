/**
 * The stylesheet of the customer's pages (served as /customer-assets/customer.css): our own look, in the colour of
 * the merchant's brand, Vipps orange-ish or MobilePay blue-ish.
 */
export const CUSTOMER_CSS = String.raw`
:root {
  --ink: #1d1d23;
  --muted: #5d5e6b;
  --line: #dedee6;
  --paper: #ffffff;
  --ground: #f3f2f7;
  --ok: #117a48;
  --bad: #b3261e;
  --warn-bg: #fff3d6;
  --radius: 14px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink);
  background: var(--ground);
}
.brand-vipps { --brand: #e8531f; --brand-ink: #ffffff; --brand-soft: #fdeee7; --brand-deep: #a83a12; }
.brand-mobilepay { --brand: #3b5bf0; --brand-ink: #ffffff; --brand-soft: #e9edff; --brand-deep: #2336a8; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; background: var(--ground); line-height: 1.45; }
h1, h2 { line-height: 1.2; margin: 0 0 0.5rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.25rem; }
p { margin: 0 0 0.75rem; }
a { color: var(--brand-deep); }
[hidden] { display: none !important; }
:focus-visible { outline: 3px solid var(--brand-deep); outline-offset: 2px; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

/* Brand mark: a wallet glyph and the name, drawn by us. */
.brand-mark { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 800; letter-spacing: -0.02em; }
.brand-mark svg { width: 1.9rem; height: 1.9rem; }
.brand-mark .wallet { fill: var(--brand); }
.brand-mark .clasp { fill: var(--brand-ink); opacity: 0.92; }
.brand-mark .dot { fill: var(--brand); }
.brand-mark .brand-name { font-size: 1.3rem; color: var(--brand); }
.brand-mark.brand-vipps .brand-name { text-transform: lowercase; }
h1[tabindex="-1"]:focus { outline: none; }
li.brand-vipps, li.brand-mobilepay { list-style: none; }

/* Buttons */
button, .button {
  font: inherit; font-weight: 650; border-radius: 999px; padding: 0.8rem 1.3rem; cursor: pointer;
  border: 2px solid transparent; display: inline-block; text-align: center; text-decoration: none;
}
.primary { background: var(--brand); color: var(--brand-ink); width: 100%; }
.primary:hover { background: var(--brand-deep); }
.primary:disabled { background: #b9b9c3; cursor: not-allowed; }
.secondary { background: var(--paper); color: var(--ink); border-color: var(--line); width: 100%; }
.secondary:hover { border-color: var(--muted); }
.danger-button { background: var(--bad); color: #fff; width: 100%; }
.link { background: none; border: none; color: var(--brand-deep); text-decoration: underline; padding: 0.4rem 0; font-weight: 600; }

/* Landing page */
.topbar {
  display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap;
  padding: 0.9rem 1.4rem; background: var(--paper); border-bottom: 4px solid var(--brand);
}
.lang { display: flex; align-items: center; gap: 0.5rem; font-size: 0.95rem; }
.lang label { margin: 0; font-weight: 500; }
.lang select { font: inherit; padding: 0.35rem 0.5rem; border-radius: 8px; border: 1px solid var(--line); background: var(--paper); }
.js .lang-apply { display: none; }
.lang-apply { padding: 0.35rem 0.8rem; font-size: 0.9rem; background: var(--paper); border-color: var(--line); }
.landing { max-width: 460px; margin: 2rem auto; padding: 0 1rem; }
.order, .step {
  background: var(--paper); border-radius: var(--radius); padding: 1.4rem 1.5rem; margin-bottom: 1rem;
  box-shadow: 0 1px 2px rgba(20, 20, 40, 0.06), 0 6px 24px rgba(20, 20, 40, 0.05);
}
.order .label { color: var(--muted); font-size: 0.9rem; margin: 0; text-transform: uppercase; letter-spacing: 0.06em; }
.order .amount { font-size: 2rem; font-weight: 800; margin: 0.4rem 0; }
.order .description { color: var(--muted); margin: 0; }
label { display: block; font-weight: 650; margin-bottom: 0.35rem; }
input[type="tel"], input[type="password"], input[type="text"], input[type="email"], input[type="date"], select {
  font: inherit; width: 100%; padding: 0.75rem 0.9rem; border-radius: 10px; border: 2px solid var(--line); background: var(--paper);
}
input[type="tel"], input[type="password"] { font-size: 1.3rem; letter-spacing: 0.06em; }
input:focus { border-color: var(--brand); }
input[aria-invalid="true"] { border-color: var(--bad); }
.hint { color: var(--muted); font-size: 0.9rem; font-weight: 400; margin: 0.35rem 0 0.5rem; }
.error { color: var(--bad); font-weight: 600; margin: 0.3rem 0 0.6rem; }
.error:empty { display: none; }
.check { display: flex; gap: 0.6rem; align-items: center; font-weight: 500; margin: 0.8rem 0 1.1rem; }
.check input { width: 1.2rem; height: 1.2rem; accent-color: var(--brand); }
.timer { color: var(--muted); margin-top: 1rem; font-size: 0.95rem; }
.timer [role="timer"] { font-variant-numeric: tabular-nums; font-weight: 700; color: var(--ink); }
.waiting { text-align: center; }
.countdown { display: flex; flex-direction: column; align-items: center; gap: 0.2rem; margin: 1.2rem 0; }
.countdown span { color: var(--muted); }
.countdown strong { font-size: 2.4rem; font-variant-numeric: tabular-nums; color: var(--brand-deep); }
.pulse { width: 6rem; height: 6rem; margin: 0.5rem auto 1rem; border-radius: 50%; background: var(--brand-soft); display: grid; place-items: center; }
.handset { width: 2.6rem; height: 4.2rem; border-radius: 0.6rem; border: 3px solid var(--brand); background: var(--paper); display: grid; place-items: center; }
.mini-mark { width: 1rem; height: 0.75rem; border-radius: 0.2rem; background: var(--brand); }
@media (prefers-reduced-motion: no-preference) {
  .pulse { animation: pulse 1.8s ease-in-out infinite; }
  @keyframes pulse { 50% { box-shadow: 0 0 0 14px var(--brand-soft); } }
}
.final { text-align: center; }
.symbol svg { vertical-align: middle; }
.symbol { font-size: 2.6rem; width: 4.5rem; height: 4.5rem; line-height: 4.5rem; margin: 0 auto 0.8rem; border-radius: 50%; background: var(--brand-soft); color: var(--brand-deep); }
.final.authorized .symbol { background: #e3f5ea; color: var(--ok); }
.final.expired .symbol, .final.aborted .symbol, .final.terminated .symbol { background: #f6e6e4; color: var(--bad); }

/* The app: a phone in a desktop window, the whole screen on a phone. */
.page-app { display: flex; justify-content: center; align-items: flex-start; }
.phone-frame {
  width: 100%; max-width: 400px; min-height: 100vh; background: var(--ground); display: flex; flex-direction: column; position: relative;
}
@media (min-width: 560px) {
  .page-app { padding: 1.5rem 0; }
  .phone-frame {
    min-height: 780px; max-height: 860px; border-radius: 36px; border: 10px solid #202028; overflow: hidden;
    box-shadow: 0 20px 60px rgba(20, 20, 40, 0.25);
  }
}
.app-bar {
  display: flex; align-items: center; gap: 0.6rem; padding: 0.8rem 1rem; background: var(--paper);
  border-bottom: 1px solid var(--line); flex-wrap: wrap;
}
.page-app .app-bar:has(.app-user) { flex-wrap: nowrap; }
.app-user-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.app-bar .brand-mark .brand-name { font-size: 1.1rem; }
.app-bar .brand-mark svg { width: 1.6rem; height: 1.6rem; }
.app-bar .lang { margin-left: auto; font-size: 0.85rem; }
.app-bar .lang label { font-weight: 500; margin: 0; }
.app-user { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 600; margin-left: auto; font-size: 0.95rem; min-width: 0; }
.switch { font-size: 0.85rem; white-space: nowrap; }
.plus { color: var(--muted); }
.screen { flex: 1; overflow-y: auto; padding: 1rem; }
.screen:focus { outline: none; }
.avatar {
  display: inline-grid; place-items: center; width: 2.6rem; height: 2.6rem; border-radius: 50%;
  background: var(--brand-soft); color: var(--brand-deep); font-weight: 800; flex: none;
}
.avatar.small { width: 1.8rem; height: 1.8rem; font-size: 0.8rem; }
.users { list-style: none; padding: 0; margin: 0 0 1rem; }
.users li { display: flex; align-items: center; background: var(--paper); border-radius: var(--radius); margin-bottom: 0.6rem; }
.users .user { display: flex; gap: 0.8rem; align-items: center; padding: 0.8rem; flex: 1; color: inherit; text-decoration: none; border-radius: var(--radius); }
.users .user:hover { background: var(--brand-soft); }
.users .who { display: flex; flex-direction: column; }
.users .name { font-weight: 700; }
.users .phone { color: var(--muted); font-size: 0.9rem; }
.users .edit { padding: 0.8rem 1rem; font-size: 0.9rem; }
.badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.78rem; font-weight: 700; background: var(--brand-soft); color: var(--brand-deep); margin-top: 0.2rem; }
.badge.warn { background: var(--warn-bg); color: #7a4b00; }
.tabs { display: flex; background: var(--paper); border-top: 1px solid var(--line); }
.tabs a { flex: 1; text-align: center; padding: 0.85rem 0.3rem; color: var(--muted); text-decoration: none; font-weight: 650; font-size: 0.92rem; border-top: 3px solid transparent; }
.tabs a[aria-current="page"] { color: var(--brand-deep); border-top-color: var(--brand); }
.count:not(:empty) { margin-left: 0.35rem; background: var(--brand); color: var(--brand-ink); border-radius: 999px; padding: 0 0.45rem; font-size: 0.78rem; }
.push {
  margin: 0.6rem 0.8rem 0; background: var(--ink); color: #fff; border-radius: 16px; padding: 0.7rem 0.9rem;
  display: flex; align-items: center; gap: 0.7rem;
}
.push:empty { display: none; }
.push button { margin-left: auto; padding: 0.35rem 0.9rem; background: var(--brand); color: var(--brand-ink); }
.cards { list-style: none; padding: 0; margin: 0; }
.card {
  background: var(--paper); border-radius: var(--radius); margin-bottom: 0.7rem; border-left: 6px solid var(--brand);
}
.card a { display: flex; justify-content: space-between; gap: 0.6rem; padding: 0.9rem 1rem; color: inherit; text-decoration: none; }
.card .merchant { font-weight: 750; display: block; }
.card .sub { color: var(--muted); font-size: 0.88rem; display: block; }
.card .sum { font-weight: 800; white-space: nowrap; text-align: right; }
.card .state { display: block; font-size: 0.8rem; font-weight: 700; color: var(--muted); }
.empty { color: var(--muted); text-align: center; margin-top: 2.5rem; }
.sheet { background: var(--paper); border-radius: var(--radius); padding: 1.2rem; margin-bottom: 0.8rem; }
.pay-head { text-align: center; padding: 1.4rem 1rem 1rem; }
.pay-head .logo-dot { width: 3.2rem; height: 3.2rem; border-radius: 14px; background: var(--brand); color: var(--brand-ink); display: grid; place-items: center; font-weight: 800; font-size: 1.3rem; margin: 0 auto 0.6rem; overflow: hidden; }
.pay-head .logo-dot img { width: 100%; height: 100%; object-fit: cover; }
.pay-head .amount { font-size: 2.3rem; font-weight: 850; margin: 0.2rem 0; }
.pay-head .description { color: var(--muted); }
.deadline { text-align: center; color: var(--muted); font-size: 0.92rem; }
.deadline [data-left] { font-variant-numeric: tabular-nums; font-weight: 700; color: var(--ink); }
.lines { width: 100%; border-collapse: collapse; font-size: 0.93rem; }
.lines caption { text-align: left; font-weight: 750; padding-bottom: 0.4rem; }
.lines td, .lines th { padding: 0.35rem 0; border-bottom: 1px solid var(--line); text-align: left; font-weight: 500; }
.lines td.num, .lines th.num { text-align: right; white-space: nowrap; }
.lines tfoot th, .lines tfoot td { font-weight: 800; border-bottom: none; padding-top: 0.6rem; }
.lines .vat { color: var(--muted); font-size: 0.85rem; font-weight: 500; }
.actions { display: grid; gap: 0.6rem; margin-top: 0.8rem; }
.notice { background: var(--warn-bg); border-radius: 12px; padding: 0.8rem 1rem; font-weight: 600; }
.notice.bad { background: #f9e3e1; color: var(--bad); }
.scopes { list-style: none; padding: 0; margin: 0.6rem 0 1rem; }
.scopes li { padding: 0.55rem 0; border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; gap: 1rem; }
.scopes .what { font-weight: 700; }
.scopes .value { color: var(--muted); text-align: right; }
.done { text-align: center; padding-top: 1.5rem; }
.done .symbol { background: #e3f5ea; color: var(--ok); }
.done.bad .symbol { background: #f6e6e4; color: var(--bad); }
.back-row { margin-bottom: 0.5rem; }
.empty-state { text-align: center; padding-top: 2rem; }
.webview { position: fixed; inset: 0; background: rgba(10, 10, 20, 0.55); display: flex; justify-content: center; align-items: stretch; z-index: 10; }
.webview-bar { display: flex; gap: 0.8rem; align-items: center; padding: 0.6rem 1rem; background: var(--paper); border-bottom: 1px solid var(--line); }
.webview-title { flex: 1; font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.webview > .webview-bar, .webview > iframe { width: 100%; max-width: 400px; }
.webview { flex-direction: column; align-items: center; }
.webview iframe { flex: 1; border: 0; background: #fff; }
.user-form fieldset { border: 1px solid var(--line); border-radius: 12px; padding: 0.6rem 0.9rem; margin: 0 0 0.9rem; }
.user-form legend { font-weight: 700; padding: 0 0.3rem; }
.field { margin-bottom: 0.7rem; }
.danger { margin-top: 1.5rem; }
.confirm { margin-top: 0.8rem; display: grid; gap: 0.5rem; }
`;
