import { randomFillSync, randomUUID } from 'node:crypto';
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

/**
 * Cryptographically random bytes handed out from a pool refilled 8 KiB at a time: one system call for hundreds of
 * ids instead of one per id, which showed in the profile of create.
 */
class RandomPool {
  private readonly pool = Buffer.alloc(8192);
  private offset = this.pool.length;

  take(n: number): Buffer {
    if (this.offset + n > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const out = Buffer.from(this.pool.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }
}

/** Random ids: UUIDs, 10-digit numeric pspReferences, 24-byte base64url tokens, traceparent-style trace ids. */
export function randomIds(): IdSource {
  const random = new RandomPool();
  return {
    uuid: () => randomUUID(),
    next: () => String(1_000_000_000 + (random.take(4).readUInt32BE(0) % 9_000_000_000)),
    // Time first, then 18 random bytes: still unguessable, and new tokens land at the end of the token index
    // instead of at random places in it, which keeps inserts cheap as the table grows.
    token: () => {
      const bytes = random.take(24);
      bytes.writeUIntBE(Date.now(), 0, 6);
      return bytes.toString('base64url');
    },
    traceId: () => {
      const bytes = random.take(24).toString('hex');
      return `00-${bytes.slice(0, 32)}-${bytes.slice(32)}-01`;
    },
  };
}
