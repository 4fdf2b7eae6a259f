import { randomBytes, randomUUID } from 'node:crypto';
import type { PspReferenceSource } from './domain/payment.js';

/** Sources of the ids the platform hands out; injected so that tests can make them predictable. */
export interface IdSource extends PspReferenceSource {
  /** A UUID, for the pspReference of CREATED events. */
  uuid(): string;
  /** An unguessable URL-safe token for landing pages, QR codes and app links. */
  token(): string;
  /** A W3C traceparent-style trace id for Problem bodies. */
  traceId(): string;
}

/** Random ids: UUIDs, 10-digit numeric pspReferences, 24-byte base64url tokens. */
export function randomIds(): IdSource {
  return {
    uuid: () => randomUUID(),
    next: () => String(1_000_000_000 + (randomBytes(4).readUInt32BE(0) % 9_000_000_000)),
    token: () => randomBytes(24).toString('base64url'),
    traceId: () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
}
