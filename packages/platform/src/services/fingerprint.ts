import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  // Keys in code-unit order (the default sort's), without a key whose value is undefined.
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let text = '{';
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${canonical(v)}`;
  }
  return `${text}}`;
}

/**
 * A hash of a request's meaning: the same body with its keys in another order has the same fingerprint.
 * Used to tell a safe retry from a reuse of an idempotency key with another body (contract 3.8).
 */
export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(canonical(parts)).digest('base64url');
}
