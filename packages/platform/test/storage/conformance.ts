import type { Receipt } from '@betal/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewPaymentEvent, Payment } from '../../src/domain/payment.js';
import { DEV_TEST_USERS } from '../../src/dev/seed.js';
import type {
  CategoryRecord,
  IdempotencyRecord,
  NewDelivery,
  PaymentCommand,
  Storage,
  StoredImage,
  WebhookRegistration,
} from '../../src/storage/ports.js';
import { NOW, createdPayment, salesUnit } from '../domain/fixtures.js';

const MSN = '123456';
const OTHER = '654321';

/** A CREATED payment of `msn` with its own token. */
function payment(msn: string, reference: string, overrides: Partial<Payment> = {}): Payment {
  return createdPayment(10_000, { msn, reference, token: `tok-${msn}-${reference}`, ...overrides });
}

function event(name: NewPaymentEvent['name'], amount: number, timestamp = NOW): NewPaymentEvent {
  return { name, pspReference: `psp-${name}`, amount, timestamp, idempotencyKey: null, success: true };
}

/** A command that inserts the payment with its CREATED event (or, when it exists, answers 409 and writes nothing). */
function create(p: Payment, key?: { idempotencyKey: string; fingerprint: string }): PaymentCommand {
  return {
    msn: p.msn,
    reference: p.reference,
    ...(key ? { idempotencyKey: key.idempotencyKey, operation: 'create' } : {}),
    decide: (current, existing) => {
      if (existing) return { result: existing.response };
      if (current) return { result: { status: 409, body: { taken: true } } };
      return {
        write: { payment: p, insert: true, events: [event('CREATED', p.value)] },
        result: { status: 201, body: { reference: p.reference } },
        ...(key
          ? {
              remember: {
                operation: 'create',
                fingerprint: key.fingerprint,
                response: { status: 201, body: { reference: p.reference } },
              },
            }
          : {}),
      };
    },
  };
}

/** A command that authorizes an existing payment (one AUTHORIZED event). */
function authorize(msn: string, reference: string): PaymentCommand {
  return {
    msn,
    reference,
    decide: (current) => {
      if (!current) return { result: { status: 404, body: undefined } };
      const next: Payment = {
        ...current,
        state: 'AUTHORIZED',
        aggregate: { ...current.aggregate, authorized: current.value },
      };
      return {
        write: { payment: next, insert: false, events: [event('AUTHORIZED', current.value)] },
        result: { status: 200, body: undefined },
      };
    },
  };
}

function registration(id: string, msn: string, fromSeq: number, events = ['epayments.payment.created.v1']) {
  const r: WebhookRegistration = {
    id,
    msn,
    url: `https://example.com/${id}`,
    events,
    secret: 'secret',
    createdAt: NOW,
    fromSeq,
    failingSince: null,
    deletedAt: null,
    deletedReason: null,
  };
  return r;
}

function delivery(registrationId: string, seq: number, reference: string, msn = MSN): NewDelivery {
  return {
    registrationId,
    seq,
    msn,
    reference,
    eventType: 'epayments.payment.created.v1',
    body: `{"seq":${seq}}`,
    createdAt: NOW,
  };
}

function image(msn: string, imageId: string): StoredImage {
  return {
    msn,
    imageId,
    mediaType: 'image/png',
    width: 200,
    height: 100,
    bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    createdAt: NOW,
  };
}

function category(msn: string, orderId: string, categoryId: string, source: 'v2' | 'v3'): CategoryRecord {
  return {
    categoryId,
    msn,
    paymentType: 'ECOM',
    orderId,
    type: 'ORDER_CONFIRMATION',
    url: `https://example.com/${orderId}/${categoryId}`,
    source,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

/**
 * The storage conformance suite: what every implementation of the ports (storage/ports.ts) must do. `open` gives
 * a fresh, empty storage for each test; it is closed after.
 */
export function describeStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    describe('payments', () => {
      it('finds a created payment by MSN and reference, and by its token', async () => {
        const p = payment(MSN, 'order-1');
        expect(await storage.execute(create(p))).toEqual({ status: 201, body: { reference: 'order-1' } });
        expect(await storage.findPayment(MSN, 'order-1')).toEqual(p);
        expect(await storage.findPaymentByToken(p.token)).toEqual(p);
        expect(await storage.findPaymentByToken('no-such-token')).toBeUndefined();
      });

      it("keeps MSNs apart: another merchant's reference does not exist for you", async () => {
        await storage.execute(create(payment(MSN, 'order-1')));
        expect(await storage.findPayment(OTHER, 'order-1')).toBeUndefined();
        expect(await storage.listEvents(OTHER, 'order-1')).toEqual([]);
        expect(await storage.listPayments(OTHER, 10)).toEqual([]);
        // The same reference is free for the other MSN, and a command of it sees no payment.
        expect(await storage.execute(create(payment(OTHER, 'order-1')))).toMatchObject({ status: 201 });
        expect(await storage.execute(authorize(OTHER, 'order-1'))).toMatchObject({ status: 200 });
        expect((await storage.findPayment(MSN, 'order-1'))?.state).toBe('CREATED');
        expect((await storage.findPayment(OTHER, 'order-1'))?.state).toBe('AUTHORIZED');
      });

      it('refuses a command that writes another payment than its own, and writes nothing', async () => {
        const command: PaymentCommand = {
          msn: MSN,
          reference: 'order-1',
          decide: () => ({
            write: { payment: payment(OTHER, 'order-1'), insert: true, events: [] },
            result: { status: 201, body: undefined },
          }),
        };
        await expect(storage.execute(command)).rejects.toThrow();
        expect(await storage.findPayment(OTHER, 'order-1')).toBeUndefined();
      });

      it('lists payments newest first and the overdue CREATED ones soonest first', async () => {
        for (const [i, ref] of ['a', 'b', 'c'].entries()) {
          await storage.execute(
            create(payment(MSN, ref, { createdAt: NOW + i, expiresAt: NOW + 1000 - i * 100 })),
          );
        }
        await storage.execute(authorize(MSN, 'c'));
        expect((await storage.listPayments(MSN, 2)).map((p) => p.reference)).toEqual(['c', 'b']);
        expect(await storage.listOverdue(NOW + 950, 10)).toEqual([{ msn: MSN, reference: 'b' }]);
        expect(await storage.listOverdue(NOW + 2000, 10)).toEqual([
          { msn: MSN, reference: 'b' },
          { msn: MSN, reference: 'a' },
        ]);
      });
    });

    describe('idempotency records', () => {
      it('gives the remembered answer and fingerprint back to the same key, operation and payment', async () => {
        const key = { idempotencyKey: 'key-1', fingerprint: 'f1' };
        const seen: Array<IdempotencyRecord | undefined> = [];
        const spy = (p: Payment): PaymentCommand => {
          const inner = create(p, key);
          return { ...inner, decide: (c, e) => (seen.push(e), inner.decide(c, e)) };
        };
        expect(await storage.execute(spy(payment(MSN, 'order-1')))).toMatchObject({ status: 201 });
        expect(await storage.execute(spy(payment(MSN, 'order-1')))).toEqual({
          status: 201,
          body: { reference: 'order-1' },
        });
        expect(seen[0]).toBeUndefined();
        expect(seen[1]).toEqual({
          key: 'key-1',
          operation: 'create',
          reference: 'order-1',
          fingerprint: 'f1',
          response: { status: 201, body: { reference: 'order-1' } },
        });
      });

      it('keeps an empty body as undefined', async () => {
        const command = (): PaymentCommand => ({
          msn: MSN,
          reference: 'order-1',
          idempotencyKey: 'k',
          operation: 'cancel',
          decide: (_c, existing) =>
            existing
              ? { result: { ...existing.response, body: { replayed: existing.response.body } } }
              : {
                  result: { status: 204, body: undefined },
                  remember: {
                    operation: 'cancel',
                    fingerprint: 'f',
                    response: { status: 204, body: undefined },
                  },
                },
        });
        await storage.execute(command());
        expect(await storage.execute(command())).toEqual({ status: 204, body: { replayed: undefined } });
      });

      it('scopes keys by MSN, reference and operation', async () => {
        const key = { idempotencyKey: 'same-key', fingerprint: 'f' };
        await storage.execute(create(payment(MSN, 'order-1'), key));
        const existing = async (msn: string, reference: string, operation: string) => {
          let got: IdempotencyRecord | undefined;
          await storage.execute({
            msn,
            reference,
            idempotencyKey: 'same-key',
            operation,
            decide: (_c, e) => ((got = e), { result: { status: 200, body: undefined } }),
          });
          return got;
        };
        expect(await existing(MSN, 'order-1', 'create')).toBeDefined();
        expect(await existing(MSN, 'order-1', 'capture')).toBeUndefined();
        expect(await existing(MSN, 'order-2', 'create')).toBeUndefined();
        expect(await existing(OTHER, 'order-1', 'create')).toBeUndefined();
      });
    });

    describe('transactions', () => {
      it('writes nothing of a command that throws: no payment, no events, no idempotency record', async () => {
        const failing: PaymentCommand = {
          ...create(payment(MSN, 'order-1'), { idempotencyKey: 'k', fingerprint: 'f' }),
          decide: () => {
            throw new Error('decided to fail');
          },
        };
        const before = await storage.latestEventSeq();
        await expect(storage.execute(failing)).rejects.toThrow('decided to fail');
        expect(await storage.findPayment(MSN, 'order-1')).toBeUndefined();
        expect(await storage.latestEventSeq()).toBe(before);
        expect(await storage.eventsAfter(before, 10)).toEqual([]);
        // The key is unused: the next command with it sees no record.
        let existing: IdempotencyRecord | undefined;
        const retry = create(payment(MSN, 'order-1'), { idempotencyKey: 'k', fingerprint: 'f' });
        await storage.execute({ ...retry, decide: (c, e) => ((existing = e), retry.decide(c, e)) });
        expect(existing).toBeUndefined();
      });

      it('commits the payment, its events and its record together, in one change per command', async () => {
        const commits: string[] = [];
        const off = storage.onCommit(({ payment: p, events }) =>
          commits.push(`${p.reference}:${events.map((e) => e.name).join(',')}`),
        );
        // Sent together: one failing in the middle does not undo the others.
        const results = await Promise.allSettled([
          storage.execute(create(payment(MSN, 'a'))),
          storage.execute({
            msn: MSN,
            reference: 'b',
            decide: () => {
              throw new Error('no');
            },
          }),
          storage.execute(create(payment(MSN, 'c'))),
        ]);
        off();
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect([...commits].sort()).toEqual(['a:CREATED', 'c:CREATED']);
        expect(await storage.findPayment(MSN, 'b')).toBeUndefined();
        expect((await storage.listEvents(MSN, 'c')).map((e) => e.name)).toEqual(['CREATED']);
        // Removed listeners hear no more.
        await storage.execute(create(payment(MSN, 'd')));
        expect(commits).toHaveLength(2);
      });

      it('tells listeners of a commit before execute resolves', async () => {
        let seen: string | undefined;
        storage.onCommit(({ payment: p }) => (seen = p.reference));
        const done = storage.execute(create(payment(MSN, 'order-1'))).then(() => seen);
        expect(await done).toBe('order-1');
      });
    });

    describe('outbox', () => {
      it('makes events visible in commit order, each payment in its own order, at increasing positions', async () => {
        expect(await storage.latestEventSeq()).toBe(0);
        // The order in which changes committed, as the listeners saw it (in commit order, by the port's contract).
        const committed: string[] = [];
        storage.onCommit(({ payment: p, events }) =>
          committed.push(...events.map((e) => `${p.msn}/${p.reference}:${e.name}`)),
        );
        await Promise.all([
          storage.execute(create(payment(MSN, 'a'))),
          storage.execute(create(payment(OTHER, 'b'))),
          storage.execute(create(payment(MSN, 'c'))),
        ]);
        await Promise.all([storage.execute(authorize(MSN, 'a')), storage.execute(authorize(OTHER, 'b'))]);
        const events = await storage.eventsAfter(0, 100);
        expect(events.map((e) => `${e.msn}/${e.reference}:${e.name}`)).toEqual(committed);
        expect(committed).toHaveLength(5);
        const seqs = events.map((e) => e.seq);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(await storage.latestEventSeq()).toBe(seqs[4]);
        const a = await storage.listEvents(MSN, 'a');
        expect(a.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
        expect(a[0]!.seq).toBeLessThan(a[1]!.seq);
        expect(a[0]).toMatchObject({
          msn: MSN,
          reference: 'a',
          currency: 'NOK',
          amount: 10_000,
          success: true,
          pspReference: 'psp-CREATED',
        });
        expect(events.filter((e) => e.msn === MSN && e.reference === 'a')).toEqual(a);
      });

      it('pages with a limit, from any position', async () => {
        for (const ref of ['a', 'b', 'c']) await storage.execute(create(payment(MSN, ref)));
        const all = await storage.eventsAfter(0, 10);
        expect(await storage.eventsAfter(0, 2)).toEqual(all.slice(0, 2));
        expect(await storage.eventsAfter(all[1]!.seq, 10)).toEqual(all.slice(2));
        expect(await storage.eventsAfter(all[2]!.seq, 10)).toEqual([]);
      });

      it('delivers at least once: events are read again until fan-out acks them with the cursor', async () => {
        await storage.webhooks.register(registration('r1', MSN, 0), () => 25);
        await storage.execute(create(payment(MSN, 'a')));
        await storage.execute(create(payment(MSN, 'b')));
        const cursor = await storage.webhooks.cursor();
        expect(cursor).toBe(0);
        const first = await storage.eventsAfter(cursor, 10);
        // Not acked (a crash before fan-out): the same events again.
        expect(await storage.eventsAfter(await storage.webhooks.cursor(), 10)).toEqual(first);
        const to = first[first.length - 1]!.seq;
        expect(
          await storage.webhooks.fanOut(
            cursor,
            to,
            first.map((e) => delivery('r1', e.seq, e.reference)),
          ),
        ).toBe(true);
        expect(await storage.webhooks.cursor()).toBe(to);
        expect(await storage.eventsAfter(to, 10)).toEqual([]);
        // A second dispatcher acking from the old cursor is refused and writes nothing.
        expect(await storage.webhooks.fanOut(cursor, to, [delivery('r1', 999, 'x')])).toBe(false);
        expect((await storage.webhooks.countDeliveries('r1')).pending).toBe(2);
      });
    });

    describe('webhooks and deliveries', () => {
      it('registers up to the limit per event and MSN, and scopes lists and deletes by MSN', async () => {
        expect(await storage.webhooks.register(registration('r1', MSN, 0), () => 1)).toEqual({ ok: true });
        expect(await storage.webhooks.register(registration('r2', MSN, 0), () => 1)).toEqual({
          ok: false,
          event: 'epayments.payment.created.v1',
          limit: 1,
        });
        expect(await storage.webhooks.register(registration('r3', OTHER, 7), () => 1)).toEqual({ ok: true });
        expect(await storage.webhooks.findRegistration('r2')).toBeUndefined();
        expect(await storage.webhooks.findRegistration('r3')).toEqual(registration('r3', OTHER, 7));
        expect((await storage.webhooks.listRegistrations(MSN)).map((r) => r.id)).toEqual(['r1']);
        expect((await storage.webhooks.liveRegistrations()).map((r) => r.id).sort()).toEqual(['r1', 'r3']);
        expect(await storage.webhooks.deleteRegistration('r1', OTHER, NOW, 'deleted')).toBe(false);
        expect(await storage.webhooks.deleteRegistration('r1', MSN, NOW + 1, 'deleted')).toBe(true);
        expect(await storage.webhooks.deleteRegistration('r1', MSN, NOW + 2, 'deleted')).toBe(false);
        expect(await storage.webhooks.findRegistration('r1')).toMatchObject({
          deletedAt: NOW + 1,
          deletedReason: 'deleted',
        });
        expect((await storage.webhooks.allRegistrations(10)).map((r) => r.id).sort()).toEqual(['r1', 'r3']);
        expect((await storage.webhooks.liveRegistrations()).map((r) => r.id)).toEqual(['r3']);
        expect(await storage.webhooks.deleteRegistration('r3', undefined, NOW, 'unresponsive')).toBe(true);
      });

      it('hands out the head of each payment first, records attempts, and counts and lists deliveries', async () => {
        const hooks = storage.webhooks;
        await hooks.register(registration('r1', MSN, 0), () => 25);
        expect(
          await hooks.fanOut(0, 3, [delivery('r1', 1, 'a'), delivery('r1', 2, 'a'), delivery('r1', 3, 'b')]),
        ).toBe(true);
        const heads = await hooks.dueHeads('r1', NOW, 10, new Set());
        expect(heads.map((d) => [d.seq, d.reference, d.status, d.attempts])).toEqual([
          [1, 'a', 'pending', 0],
          [3, 'b', 'pending', 0],
        ]);
        expect((await hooks.dueHeads('r1', NOW, 10, new Set([heads[0]!.id]))).map((d) => d.seq)).toEqual([3]);
        expect(await hooks.dueHeads('r1', NOW - 1, 10, new Set())).toEqual([]);

        const attempt = (deliveryId: number, at: number, statusCode: number | null) => ({
          deliveryId,
          at,
          statusCode,
          latencyMs: 12,
          error: statusCode === null ? 'timeout' : null,
          manual: false,
        });
        await hooks.record([
          {
            registrationId: 'r1',
            attempt: attempt(heads[0]!.id, NOW + 10, 200),
            next: { status: 'delivered' },
            counts: true,
          },
          {
            registrationId: 'r1',
            attempt: attempt(heads[1]!.id, NOW + 10, null),
            next: { status: 'pending', nextAttemptAt: NOW + 5000 },
            counts: true,
          },
        ]);
        expect((await hooks.dueHeads('r1', NOW + 20, 10, new Set())).map((d) => d.seq)).toEqual([2]);
        expect(await hooks.nextDueAfter(NOW + 20)).toBe(NOW + 5000);
        expect(await hooks.unresponsiveSince(NOW + 10)).toEqual(['r1']);
        expect(await hooks.countDeliveries('r1')).toEqual({
          pending: 2,
          delivered: 1,
          failed: 0,
          discarded: 0,
        });
        const found = await hooks.findDelivery(heads[1]!.id);
        expect(found).toMatchObject({
          status: 'pending',
          attempts: 1,
          nextAttemptAt: NOW + 5000,
          firstAttemptAt: NOW + 10,
        });
        expect(found?.attemptLog).toEqual([{ attempt: 1, ...attempt(heads[1]!.id, NOW + 10, null) }]);
        const listed = await hooks.listDeliveries('r1', { limit: 10 });
        expect(listed.map((d) => d.seq)).toEqual([3, 2, 1]);
        expect(
          (await hooks.listDeliveries('r1', { limit: 10, status: 'delivered' })).map((d) => d.seq),
        ).toEqual([1]);
        expect(
          (await hooks.listDeliveries('r1', { limit: 10, before: listed[1]!.id })).map((d) => d.seq),
        ).toEqual([1]);

        // Deleting the registration discards what is pending; pruning removes what is finished.
        await hooks.deleteRegistration('r1', MSN, NOW + 30, 'deleted');
        expect(await hooks.countDeliveries('r1')).toEqual({
          pending: 0,
          delivered: 1,
          failed: 0,
          discarded: 2,
        });
        expect(await hooks.pruneFinished(NOW + 1)).toBe(3);
        expect(await hooks.countDeliveries('r1')).toEqual({
          pending: 0,
          delivered: 0,
          failed: 0,
          discarded: 0,
        });
      });

      it('fans out only to live registrations, each event once per registration', async () => {
        const hooks = storage.webhooks;
        await hooks.register(registration('r1', MSN, 0), () => 25);
        await hooks.register(registration('gone', MSN, 0, ['epayments.payment.captured.v1']), () => 25);
        await hooks.deleteRegistration('gone', MSN, NOW, 'deleted');
        expect(
          await hooks.fanOut(0, 1, [
            delivery('r1', 1, 'a'),
            delivery('r1', 1, 'a'),
            delivery('gone', 1, 'a'),
          ]),
        ).toBe(true);
        expect((await hooks.countDeliveries('r1')).pending).toBe(1);
        expect((await hooks.countDeliveries('gone')).pending).toBe(0);
      });
    });

    describe('Order Management', () => {
      it('stores images once per MSN and id, unseen by other MSNs', async () => {
        const om = storage.orderManagement;
        expect(await om.insertImage(image(MSN, 'img-1'))).toBe(true);
        expect(await om.insertImage({ ...image(MSN, 'img-1'), width: 1 })).toBe(false);
        expect(await om.findImage(MSN, 'img-1')).toEqual(image(MSN, 'img-1'));
        expect(await om.imageExists(MSN, 'img-1')).toBe(true);
        expect(await om.imageExists(OTHER, 'img-1')).toBe(false);
        expect(await om.findImage(OTHER, 'img-1')).toBeUndefined();
        expect(await om.insertImage(image(OTHER, 'img-1'))).toBe(true);
      });

      it('keeps one v2 category per order that the upsert overwrites, v3 ones added, the latest written shown', async () => {
        const om = storage.orderManagement;
        const first = await om.upsertOrderCategory(category(MSN, 'order-1', 'c1', 'v2'));
        expect(first).toEqual(category(MSN, 'order-1', 'c1', 'v2'));
        const second = await om.upsertOrderCategory({
          ...category(MSN, 'order-1', 'c2', 'v2'),
          type: 'RECEIPT',
          createdAt: NOW + 5,
          updatedAt: NOW + 5,
        });
        expect(second).toMatchObject({
          categoryId: 'c1',
          type: 'RECEIPT',
          createdAt: NOW,
          updatedAt: NOW + 5,
        });
        expect(await om.latestCategory(MSN, 'ECOM', 'order-1')).toEqual(second);
        await om.addCategory({
          ...category(MSN, 'order-1', 'c3', 'v3'),
          updatedAt: NOW + 6,
          createdAt: NOW + 6,
        });
        expect((await om.latestCategory(MSN, 'ECOM', 'order-1'))?.categoryId).toBe('c3');
        expect((await om.listCategories(MSN, 'order-1')).map((c) => c.categoryId)).toEqual(['c1', 'c3']);
        expect(await om.listCategories(OTHER, 'order-1')).toEqual([]);
        expect(await om.latestCategory(OTHER, 'ECOM', 'order-1')).toBeUndefined();
        expect(await om.findCategory(OTHER, 'c3')).toBeUndefined();
        expect(await om.deleteCategory(OTHER, 'c3')).toBe(false);
        expect(await om.deleteCategory(MSN, 'c3')).toBe(true);
        expect(await om.findCategory(MSN, 'c3')).toBeUndefined();
        expect((await om.latestCategory(MSN, 'ECOM', 'order-1'))?.categoryId).toBe('c1');
      });

      it('keeps one immutable receipt per order', async () => {
        const om = storage.orderManagement;
        const receipt = {
          receiptId: 'rc-1',
          msn: MSN,
          paymentType: 'ECOM' as const,
          orderId: 'order-1',
          // Storage keeps a receipt as it is given: it does not validate it.
          receipt: { orderLines: [], bottomLine: { currency: 'NOK', posId: 'pos-1' } } as unknown as Receipt,
          createdAt: NOW,
        };
        expect(await om.insertReceipt(receipt)).toBe(true);
        expect(await om.insertReceipt({ ...receipt, receiptId: 'rc-2' })).toBe(false);
        expect(await om.findReceipt(MSN, 'ECOM', 'order-1')).toEqual(receipt);
        expect(await om.findReceipt(OTHER, 'ECOM', 'order-1')).toBeUndefined();
        expect(await om.findReceipt(MSN, 'RECURRING', 'order-1')).toBeUndefined();
      });
    });

    describe('customer inbox', () => {
      it('notes each payment once per user and lists newest first', async () => {
        const inbox = storage.inbox;
        await inbox.add('4712345678', MSN, 'a', NOW);
        await inbox.add('4712345678', MSN, 'b', NOW + 2);
        await inbox.add('4712345678', OTHER, 'c', NOW + 1);
        await inbox.add('4712345678', MSN, 'a', NOW + 9);
        expect(await inbox.list('4712345678', 10)).toEqual([
          { msn: MSN, reference: 'b', addedAt: NOW + 2 },
          { msn: OTHER, reference: 'c', addedAt: NOW + 1 },
          { msn: MSN, reference: 'a', addedAt: NOW },
        ]);
        expect(await inbox.list('4712345678', 1)).toHaveLength(1);
        expect(await inbox.list('4791234567', 10)).toEqual([]);
        expect(await inbox.has('4712345678', OTHER, 'c')).toBe(true);
        expect(await inbox.has('4712345678', MSN, 'c')).toBe(false);
        expect(await inbox.has('4791234567', MSN, 'a')).toBe(false);
      });
    });

    describe('consents', () => {
      it('keeps one consent per MSN and user, found by sub within the MSN', async () => {
        const consent = {
          msn: MSN,
          phoneNumber: '4712345678',
          sub: 'sub-1',
          scopes: ['name', 'email'],
          grantedAt: NOW,
        };
        await storage.saveConsent(consent);
        expect(await storage.findConsent(MSN, '4712345678')).toEqual(consent);
        expect(await storage.findConsentBySub(MSN, 'sub-1')).toEqual(consent);
        expect(await storage.findConsent(OTHER, '4712345678')).toBeUndefined();
        expect(await storage.findConsentBySub(OTHER, 'sub-1')).toBeUndefined();
        await storage.saveConsent({ ...consent, scopes: ['name'], grantedAt: NOW + 1 });
        expect(await storage.findConsent(MSN, '4712345678')).toEqual({
          ...consent,
          scopes: ['name'],
          grantedAt: NOW + 1,
        });
      });
    });

    describe('test users', () => {
      it('saves, finds (by phone number and customer token), lists and deletes users', async () => {
        const [a, b] = DEV_TEST_USERS as [(typeof DEV_TEST_USERS)[0], (typeof DEV_TEST_USERS)[0]];
        await storage.saveUser(b);
        await storage.saveUser(a);
        expect(await storage.findUser(a.phoneNumber)).toEqual(a);
        expect(await storage.findUserByCustomerToken(b.customerToken)).toEqual(b);
        expect((await storage.listUsers()).map((u) => u.phoneNumber)).toEqual(
          [a.phoneNumber, b.phoneNumber].sort(),
        );
        await storage.saveUser({ ...a, name: 'Renamed' });
        expect((await storage.findUser(a.phoneNumber))?.name).toBe('Renamed');
        expect(await storage.deleteUser(a.phoneNumber)).toBe(true);
        expect(await storage.deleteUser(a.phoneNumber)).toBe(false);
        expect(await storage.findUser(a.phoneNumber)).toBeUndefined();
      });
    });

    describe('sales units', () => {
      it('saves units by MSN, finds them by MSN and client id, lists them by MSN', async () => {
        const b = salesUnit({ msn: OTHER, clientId: 'client-b' });
        const a = salesUnit({ msn: MSN, clientId: 'client-a' });
        await storage.saveSalesUnit(b);
        await storage.saveSalesUnit(a);
        expect(await storage.findSalesUnitByMsn(MSN)).toEqual(a);
        expect(await storage.findSalesUnitByClientId('client-b')).toEqual(b);
        expect(await storage.findSalesUnitByClientId('nobody')).toBeUndefined();
        expect((await storage.listSalesUnits()).map((u) => u.msn)).toEqual([MSN, OTHER]);
        await storage.saveSalesUnit({ ...a, clientId: 'client-a2' });
        expect(await storage.findSalesUnitByClientId('client-a')).toBeUndefined();
        expect((await storage.findSalesUnitByClientId('client-a2'))?.msn).toBe(MSN);
      });
    });

    describe('deleting a merchant and everything', () => {
      /** Writes one of everything an MSN owns: a payment with events and a key, a webhook and a delivery, OM data, a consent, an inbox entry. */
      async function world(msn: string, tag: string): Promise<void> {
        await storage.saveSalesUnit(salesUnit({ msn, clientId: `client-${tag}` }));
        await storage.execute(
          create(payment(msn, `${tag}-1`), { idempotencyKey: `k-${tag}`, fingerprint: 'f' }),
        );
        await storage.execute(authorize(msn, `${tag}-1`));
        expect(await storage.webhooks.register(registration(`r-${tag}`, msn, 0), () => 25)).toEqual({
          ok: true,
        });
        const events = await storage.listEvents(msn, `${tag}-1`);
        const cursor = await storage.webhooks.cursor();
        const to = await storage.latestEventSeq();
        expect(
          await storage.webhooks.fanOut(cursor, to, [
            delivery(`r-${tag}`, (events[0] as { seq: number }).seq, `${tag}-1`, msn),
          ]),
        ).toBe(true);
        expect(await storage.orderManagement.insertImage(image(msn, `img-${tag}`))).toBe(true);
        await storage.orderManagement.addCategory(category(msn, `${tag}-1`, `c-${tag}`, 'v3'));
        await storage.saveConsent({
          msn,
          phoneNumber: '4712345678',
          sub: `sub-${tag}`,
          scopes: ['name'],
          grantedAt: NOW,
        });
        await storage.inbox.add('4712345678', msn, `${tag}-1`, NOW);
      }

      async function owns(msn: string, tag: string) {
        return {
          payment: (await storage.findPayment(msn, `${tag}-1`)) !== undefined,
          events: (await storage.listEvents(msn, `${tag}-1`)).length,
          webhooks: (await storage.webhooks.listRegistrations(msn)).length,
          image: await storage.orderManagement.imageExists(msn, `img-${tag}`),
          categories: (await storage.orderManagement.listCategories(msn, `${tag}-1`)).length,
          consent: (await storage.findConsent(msn, '4712345678')) !== undefined,
          inbox: await storage.inbox.has('4712345678', msn, `${tag}-1`),
        };
      }
      const full = {
        payment: true,
        events: 2,
        webhooks: 1,
        image: true,
        categories: 1,
        consent: true,
        inbox: true,
      };
      const none = {
        payment: false,
        events: 0,
        webhooks: 0,
        image: false,
        categories: 0,
        consent: false,
        inbox: false,
      };

      it('deleteMerchant deletes the unit and all its data, and leaves another MSN alone', async () => {
        await world(MSN, 'a');
        await world(OTHER, 'b');
        const [deliveryOfB] = await storage.webhooks.listDeliveries('r-b', { limit: 10 });
        expect(await storage.deleteMerchant(MSN)).toBe(true);
        expect(await storage.findSalesUnitByMsn(MSN)).toBeUndefined();
        expect(await storage.findSalesUnitByClientId('client-a')).toBeUndefined();
        expect(await owns(MSN, 'a')).toEqual(none);
        expect(await storage.webhooks.listDeliveries('r-a', { limit: 10 })).toEqual([]);
        expect(await storage.webhooks.findRegistration('r-a')).toBeUndefined();
        expect(await owns(OTHER, 'b')).toEqual(full);
        expect(await storage.webhooks.listDeliveries('r-b', { limit: 10 })).toEqual([deliveryOfB]);
        expect(await storage.deleteMerchant(MSN)).toBe(false);
        // The same reference and key can be used again, and positions go on from where they were.
        const before = (await storage.listEvents(OTHER, 'b-1')).at(-1)?.seq ?? 0;
        expect(
          (await storage.execute(create(payment(MSN, 'a-1'), { idempotencyKey: 'k-a', fingerprint: 'g' })))
            .status,
        ).toBe(201);
        expect((await storage.listEvents(MSN, 'a-1'))[0]?.seq).toBeGreaterThan(before);
      });

      it('deleteMerchant with keepUnit deletes the data and keeps the unit', async () => {
        await world(MSN, 'a');
        await world(OTHER, 'b');
        expect(await storage.deleteMerchant(MSN, { keepUnit: true })).toBe(true);
        expect((await storage.findSalesUnitByMsn(MSN))?.clientId).toBe('client-a');
        expect(await owns(MSN, 'a')).toEqual(none);
        expect(await owns(OTHER, 'b')).toEqual(full);
      });

      it('deleteEverything empties the store but the kept settings; positions are not handed out again', async () => {
        await world(MSN, 'a');
        await storage.saveUser(DEV_TEST_USERS[0] as (typeof DEV_TEST_USERS)[number]);
        await storage.setSetting('token_signing_key', 'keep-me');
        await storage.setSetting('pin:4712345678', '1234');
        const cursor = await storage.webhooks.cursor();
        const last = await storage.latestEventSeq();
        await storage.deleteEverything({ keepSettings: ['token_signing_key'] });
        expect(await storage.listSalesUnits()).toEqual([]);
        expect(await storage.listUsers()).toEqual([]);
        expect(await owns(MSN, 'a')).toEqual(none);
        expect(await storage.webhooks.allRegistrations(10)).toEqual([]);
        expect(await storage.getSetting('token_signing_key')).toBe('keep-me');
        expect(await storage.getSetting('pin:4712345678')).toBeUndefined();
        expect(await storage.webhooks.cursor()).toBe(cursor);
        await storage.execute(create(payment(MSN, 'again')));
        expect((await storage.listEvents(MSN, 'again'))[0]?.seq).toBeGreaterThan(last);
      });
    });

    describe('settings', () => {
      it('keeps string values by key, replacing on save', async () => {
        expect(await storage.getSetting('clock_offset_ms')).toBeUndefined();
        await storage.setSetting('clock_offset_ms', '600000');
        await storage.setSetting('clock_offset_ms', '1200000');
        expect(await storage.getSetting('clock_offset_ms')).toBe('1200000');
      });
    });

    it('reports its health as a list of causes (empty when sound)', () => {
      expect(storage.health()).toEqual([]);
    });
  });
}
