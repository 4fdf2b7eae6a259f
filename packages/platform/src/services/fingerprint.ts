import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * A hash of a request's meaning: the same body with its keys in another order has the same fingerprint.
 * Used to tell a safe retry from a reuse of an idempotency key with another body (contract 3.8).
 */
export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(canonical(parts)).digest('base64url');
}
