/**
 * Safe HTML for the server-rendered pages of the platform and the merchant (`@betal/contract/html`): every
 * interpolated value is escaped unless it is {@link Html}; arrays are joined; `undefined`, `null` and `false`
 * render as nothing.
 */

/** A piece of HTML that is already safe (built by {@link html} or {@link raw}). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A tagged template for HTML: `html\`<p>${text}</p>\`` escapes `text`; nested `html` values, arrays of them, and
 * `raw(...)` go in as they are; undefined, null and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/**
 * A contract pattern (a regular expression source anchored with `^…$`, e.g. PHONE_NUMBER_PATTERN) as the value of
 * an `<input pattern>` attribute, which the browser anchors itself: `'^\\d{10,15}$'` gives `\d{10,15}`.
 */
export function inputPattern(pattern: string): string {
  return pattern.replace(/^\^/, '').replace(/\$$/, '');
}

/** Trusted markup, put in as it is. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` are escaped so that no value can close
 * the element.
 */
export function jsonForScript(value: unknown): Html {
  return raw(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}
