import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, errorCode, ref, startApi, webRedirect, type ApiResponse } from '../support/harness.js';

/**
 * Model-based property test through HTTP: random sequences of approve, capture, refund, cancel and retries of an
 * earlier request (same Idempotency-Key and body). After every step the answer, GET and the event log must agree:
 * a 200 adds exactly one event and moves the aggregate by the operation's amount (contract 3.6, 3.7), a refusal
 * changes nothing, a retry replays its first answer with no effect (contract 3.8).
 */

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

type Step =
  | { op: 'approve' }
  | { op: 'capture' | 'refund'; value: number }
  | { op: 'cancel'; cancelTransactionOnly: boolean }
  | { op: 'retry'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ op: 'approve' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('capture' as const, 'refund' as const),
      value: fc.oneof(
        fc.integer({ min: 0, max: 12_000 }),
        fc.constantFrom(1, 123, 124, 126, 128, 5_000, 10_000),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('cancel' as const), cancelTransactionOnly: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('retry' as const), index: fc.nat() }) },
);

interface Sums {
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
}

async function sums(reference: string): Promise<{ state: string; sums: Sums }> {
  const body = (await api.get(reference)).body;
  const a = body.aggregate;
  return {
    state: body.state,
    sums: {
      authorized: a.authorizedAmount.value,
      captured: a.capturedAmount.value,
      refunded: a.refundedAmount.value,
      cancelled: a.cancelledAmount.value,
    },
  };
}

describe('HTTP model (contract 3.6, 3.7, 3.8)', () => {
  it('answers, GET and the event log agree after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const reference = ref('model');
        expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
        const sent: Array<{ run: () => Promise<ApiResponse>; first: ApiResponse }> = [];
        let n = 0;
        for (const s of steps) {
          const before = await sums(reference);
          const log = (await api.events(reference)).body;
          if (s.op === 'retry') {
            if (sent.length === 0) continue;
            const earlier = sent[s.index % sent.length]!;
            const again = await earlier.run();
            expect(again.status).toBe(earlier.first.status);
            expect(again.body).toEqual(
              earlier.first.status >= 400
                ? { ...(earlier.first.body as object), traceId: (again.body as { traceId: string }).traceId }
                : earlier.first.body,
            );
            expect(again.headers.get('idempotent-replayed')).toBe('true');
            expect(await sums(reference)).toEqual(before);
            expect((await api.events(reference)).body).toEqual(log);
            continue;
          }
          const key = `${reference}-${n++}`;
          const run =
            s.op === 'approve'
              ? () => api.approve(reference)
              : s.op === 'cancel'
                ? () => api.cancel(reference, { cancelTransactionOnly: s.cancelTransactionOnly }, key)
                : () => api.modify(s.op as 'capture' | 'refund', reference, s.value, key);
          const res = await run();
          // A 6280 (test amount 128) is not kept for its key: its retry is decided afresh and is tested in
          // authorized-details.test.ts, not here as a replay.
          if (s.op !== 'approve' && errorCode(res.body) !== '6280') sent.push({ run, first: res });
          const after = await sums(reference);
          const events = (await api.events(reference)).body;
          expect([200, 400]).toContain(res.status);
          if (res.status === 200) {
            expect(events).toHaveLength(log.length + 1);
            const e = events.at(-1)!;
            expect(e.success).toBe(true);
            const d = {
              authorized: after.sums.authorized - before.sums.authorized,
              captured: after.sums.captured - before.sums.captured,
              refunded: after.sums.refunded - before.sums.refunded,
              cancelled: after.sums.cancelled - before.sums.cancelled,
            };
            const expected: Record<string, [string, Partial<Sums>]> = {
              approve: ['AUTHORIZED', { authorized: 10_000 }],
              capture: ['CAPTURED', { captured: 'value' in s ? s.value : 0 }],
              refund: ['REFUNDED', { refunded: 'value' in s ? s.value : 0 }],
              cancel: [
                before.state === 'CREATED' ? 'TERMINATED' : 'CANCELLED',
                { cancelled: e.amount.value },
              ],
            };
            const [name, delta] = expected[s.op]!;
            expect(e.name).toBe(name);
            expect(d).toEqual({ authorized: 0, captured: 0, refunded: 0, cancelled: 0, ...delta });
            if (s.op !== 'approve') expect(e.idempotencyKey).toBe(key);
            if (s.op === 'cancel' && before.state === 'AUTHORIZED') {
              expect(e.amount.value).toBe(before.sums.authorized - before.sums.captured);
            }
          } else {
            expect(errorCode(res.body)).toMatch(/^\d{4,5}$/);
            expect(after).toEqual(before);
            // Failures of the test amounts (refund 123, 124; capture 126, 128) leave an unsuccessful event.
            const refundTest = s.op === 'refund' && (s.value === 123 || s.value === 124);
            const captureTest = s.op === 'capture' && (s.value === 126 || s.value === 128);
            const logged =
              (refundTest && ['5100', '6220'].includes(errorCode(res.body)!)) ||
              (captureTest && ['6260', '6280'].includes(errorCode(res.body)!));
            expect(events).toHaveLength(log.length + (logged ? 1 : 0));
          }
          const { authorized, captured, refunded, cancelled } = after.sums;
          expect(captured + cancelled).toBeLessThanOrEqual(
            after.state === 'TERMINATED' ? 10_000 : authorized,
          );
          expect(refunded).toBeLessThanOrEqual(captured);
          expect(Math.min(authorized, captured, refunded, cancelled)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 25 },
    );
  });
});
