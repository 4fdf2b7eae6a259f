import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newView } from '../../src/domain/order-status.js';
import { receiptOf, type Line } from '../../src/domain/receipt.js';
import type { Customer, MerchantStore, PaymentRecord } from '../../src/store/store.js';
import { STORE_BACKENDS, type OpenedStore } from '../support/stores.js';

/** A fixed merchant time, epoch ms. */
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A payment record as the service stores it at create: CREATED (open), news at `at`. */
function payment(reference: string, at = T0, extra: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    reference,
    purpose: 'link',
    ownerId: 'link-1',
    amount: 1000,
    currency: 'NOK',
    description: 'A test payment',
    userFlow: 'WEB_REDIRECT',
    receipt: receiptOf(
      [{ id: 'tour', name: 'Guided tour', quantity: 1, unitPrice: 1000, taxRate: 2500 }],
      'NOK',
    ),
    receiptInCreate: true,
    autoCapture: false,
    view: newView(reference, 1000, 'NOK', at),
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

/** The same record, refused at create: never open again. */
const refused = (r: PaymentRecord): PaymentRecord => ({ ...r, createError: 'refused' });

/**
 * The store port's promises (src/store/store.ts), the same on every implementation: what is kept comes back as
 * stored, lists come in their order, a webhook event is recorded once by (reference, pspReference, name),
 * transactions commit together or not at all, and reconciliation claims hold until released or their lease ends.
 */
for (const backend of STORE_BACKENDS) {
  describe.skipIf(backend.unavailable !== undefined)(`merchant store on ${backend.name}`, () => {
    let opened: OpenedStore;
    let store: MerchantStore;
    beforeEach(async () => {
      opened = await backend.open();
      store = opened.store;
    });
    afterEach(async () => {
      await store?.close();
      await opened?.drop();
    });

    it('keeps settings, a setting once (the first value wins), and counters that count 1, 2, 3 per name', async () => {
      expect(await store.getSetting('a')).toBeUndefined();
      await store.setSetting('a', 'one');
      await store.setSetting('a', 'two');
      expect(await store.getSetting('a')).toBe('two');
      expect(await store.settingOnce('tag', 'first')).toBe('first');
      expect(await store.settingOnce('tag', 'second')).toBe('first');
      expect([
        await store.next('x'),
        await store.next('x'),
        await store.next('y'),
        await store.next('x'),
      ]).toEqual([1, 2, 1, 3]);
    });

    it('stores payments, refuses a second insert of a reference, lists newest first by purpose and owner', async () => {
      await store.insertPayment(payment('ref-a', T0));
      await store.insertPayment(payment('ref-b', T0 + 1, { purpose: 'shop', ownerId: 'order-1' }));
      await store.insertPayment(payment('ref-c', T0 + 1));
      await expect(store.insertPayment(payment('ref-a'))).rejects.toThrow();
      expect(await store.getPayment('ref-b')).toEqual(
        payment('ref-b', T0 + 1, { purpose: 'shop', ownerId: 'order-1' }),
      );
      expect(await store.getPayment('nope')).toBeUndefined();
      expect((await store.listPayments()).map((p) => p.reference)).toEqual(['ref-c', 'ref-b', 'ref-a']);
      expect((await store.listPayments({ purpose: 'link' })).map((p) => p.reference)).toEqual([
        'ref-c',
        'ref-a',
      ]);
      expect((await store.listPayments({ ownerId: 'order-1' })).map((p) => p.reference)).toEqual(['ref-b']);
      expect(await store.listPayments({ limit: 1 })).toHaveLength(1);
      const changed = { ...payment('ref-a', T0), description: 'Changed', updatedAt: T0 + 5 };
      await store.savePayment(changed);
      expect(await store.getPayment('ref-a')).toEqual(changed);
    });

    it('lists open payments quiet since a time, oldest news first; refused ones are not open', async () => {
      await store.insertPayment(payment('ref-1', T0 + 20));
      await store.insertPayment(payment('ref-2', T0 + 10));
      await store.insertPayment(refused(payment('ref-3', T0)));
      await store.insertPayment(payment('ref-4', T0 + 100));
      expect((await store.listQuietOpenPayments(T0 + 50)).map((p) => p.reference)).toEqual([
        'ref-2',
        'ref-1',
      ]);
      expect(await store.listQuietOpenPayments(T0 + 50, 1)).toHaveLength(1);
    });

    it('records a webhook event once by (reference, pspReference, name); duplicates are kept, marked', async () => {
      const event = {
        reference: 'ref-w',
        pspReference: 'psp-1',
        name: 'AUTHORIZED',
        payload: '{}',
        receivedAt: T0,
      };
      expect(await store.recordWebhookEvent(event)).toBe(true);
      expect(await store.recordWebhookEvent({ ...event, receivedAt: T0 + 1 })).toBe(false);
      expect(await store.recordWebhookEvent({ ...event, name: 'CAPTURED' })).toBe(true);
      expect(await store.recordWebhookEvent({ ...event, pspReference: 'psp-2' })).toBe(true);
      expect(await store.recordWebhookEvent({ ...event, reference: 'ref-other' })).toBe(true);
      expect(
        (await store.listWebhookEvents('ref-w')).map((e) => [
          e.pspReference,
          e.name,
          e.duplicate,
          e.receivedAt,
        ]),
      ).toEqual([
        ['psp-1', 'AUTHORIZED', false, T0],
        ['psp-1', 'AUTHORIZED', true, T0 + 1],
        ['psp-1', 'CAPTURED', false, T0],
        ['psp-2', 'AUTHORIZED', false, T0],
      ]);
    });

    it('keeps operations from pending to done, failed or in doubt, and settles doubts', async () => {
      const capture = await store.startOperation({
        reference: 'ref-o',
        kind: 'capture',
        amount: 500,
        at: T0,
      });
      const cancel = await store.startOperation({ reference: 'ref-o', kind: 'cancel', at: T0 + 1 });
      expect(cancel.id).toBeGreaterThan(capture.id);
      expect(capture).toEqual({
        id: capture.id,
        reference: 'ref-o',
        kind: 'capture',
        amount: 500,
        status: 'pending',
        createdAt: T0,
      });
      expect(await store.operationInDoubt('ref-o')).toBe(false);
      await store.finishOperation(capture.id, 'doubt', T0 + 2, 'no answer');
      await store.finishOperation(cancel.id, 'failed', T0 + 3, 'refused');
      expect(await store.operationInDoubt('ref-o')).toBe(true);
      await store.settleDoubts('ref-o', T0 + 4);
      expect(await store.operationInDoubt('ref-o')).toBe(false);
      expect((await store.listOperations('ref-o')).map((o) => [o.kind, o.status, o.finishedAt])).toEqual([
        ['capture', 'done', T0 + 4],
        ['cancel', 'failed', T0 + 3],
      ]);
      expect(await store.listOperations('ref-none')).toEqual([]);
    });

    it('keeps carts, shop orders, links and invoices, each listed newest first', async () => {
      const lines: Line[] = [{ id: 'beanie', name: 'Beanie', quantity: 2, unitPrice: 24900, taxRate: 2500 }];
      expect(await store.getCart('c1')).toEqual([]);
      await store.saveCart('c1', lines, T0);
      expect(await store.getCart('c1')).toEqual(lines);
      await store.saveCart('c1', [], T0 + 1);
      expect(await store.getCart('c1')).toEqual([]);

      const order = { id: 'o1', lines: [], total: 100, currency: 'NOK', reference: 'shop-1', createdAt: T0 };
      await store.saveShopOrder(order);
      await store.saveShopOrder({ ...order, id: 'o2', reference: 'shop-2' });
      await store.saveShopOrder({ ...order, shippedAt: T0 + 9 });
      expect(await store.getShopOrder('o1')).toEqual({ ...order, shippedAt: T0 + 9 });
      expect((await store.listShopOrders()).map((o) => o.id)).toEqual(['o2', 'o1']);

      const link = {
        id: 'l1',
        amount: 100,
        currency: 'NOK',
        description: 'Link',
        sharePhone: false,
        createdAt: T0,
      };
      await store.saveLink(link);
      await store.saveLink({ ...link, id: 'l2', createdAt: T0 + 1 });
      expect(await store.getLink('l1')).toEqual(link);
      expect((await store.listLinks()).map((l) => l.id)).toEqual(['l2', 'l1']);

      const invoice = {
        id: 'i1',
        number: 1,
        customerName: 'Kari',
        lines: [],
        total: 100,
        currency: 'NOK',
        dueDate: '2026-12-01',
        expiresAt: '2026-12-01T23:59:59Z',
        createdAt: T0,
      };
      await store.saveInvoice(invoice);
      await store.saveInvoice({ ...invoice, id: 'i2', number: 2 });
      expect(await store.getInvoice('i1')).toEqual(invoice);
      expect((await store.listInvoices()).map((i) => i.number)).toEqual([2, 1]);
      await expect(store.saveInvoice({ ...invoice, id: 'i3', number: 2 })).rejects.toThrow();
    });

    it('merges a customer stored again: new fields win, a missing name or sub stays, createdAt stays the first', async () => {
      const first: Customer = {
        phoneNumber: '4791234567',
        name: 'Kari',
        sub: 'sub-1',
        consentSource: 'given to the merchant',
        consentAt: T0,
        createdAt: T0,
      };
      await store.saveCustomer(first);
      await store.saveCustomer({
        phoneNumber: '4791234567',
        consentSource: 'shared the phone number when paying ref-1',
        consentAt: T0 + 5,
        createdAt: T0 + 5,
      });
      expect(await store.getCustomer('4791234567')).toEqual({
        ...first,
        consentSource: 'shared the phone number when paying ref-1',
        consentAt: T0 + 5,
      });
      await store.saveCustomer({ ...first, phoneNumber: '4712345678', createdAt: T0 + 1 });
      expect((await store.listCustomers()).map((c) => c.phoneNumber)).toEqual(['4712345678', '4791234567']);
    });

    it('commits a transaction together, and nothing of one that rejects', async () => {
      await store.insertPayment(payment('ref-t'));
      const answer = await store.transaction(async (tx) => {
        const r = (await tx.lockPayment('ref-t'))!;
        await tx.savePayment({ ...r, description: 'In a transaction' });
        await tx.recordWebhookEvent({
          reference: 'ref-t',
          pspReference: 'p',
          name: 'CREATED',
          payload: '',
          receivedAt: T0,
        });
        return 'done';
      });
      expect(answer).toBe('done');
      expect((await store.getPayment('ref-t'))!.description).toBe('In a transaction');
      await expect(
        store.transaction(async (tx) => {
          await tx.savePayment({ ...payment('ref-t'), description: 'Rolled back' });
          await tx.recordWebhookEvent({
            reference: 'ref-t',
            pspReference: 'q',
            name: 'CREATED',
            payload: '',
            receivedAt: T0,
          });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect((await store.getPayment('ref-t'))!.description).toBe('In a transaction');
      expect((await store.listWebhookEvents('ref-t')).map((e) => e.pspReference)).toEqual(['p']);
      // the store still works after a rollback
      await store.setSetting('after', 'yes');
      expect(await store.getSetting('after')).toBe('yes');
    });

    it('claims quiet open payments once until released or until the lease ends', async () => {
      for (let i = 0; i < 5; i++) await store.insertPayment(payment(`ref-${i}`, T0 + i));
      await store.insertPayment(refused(payment('ref-refused', T0)));
      const base = { before: T0 + 100, now: T0 + 1000, leaseMs: 60_000 };
      const a = await store.claimQuietOpenPayments({ ...base, owner: 'A', limit: 3 });
      expect(a.map((p) => p.reference)).toEqual(['ref-0', 'ref-1', 'ref-2']);
      const b = await store.claimQuietOpenPayments({ ...base, owner: 'B' });
      expect(b.map((p) => p.reference)).toEqual(['ref-3', 'ref-4']);
      expect(await store.claimQuietOpenPayments({ ...base, owner: 'C' })).toEqual([]);
      // A releases one; B cannot release A's claim
      await store.releaseClaim('ref-1', 'A');
      await store.releaseClaim('ref-2', 'B');
      expect((await store.claimQuietOpenPayments({ ...base, owner: 'C' })).map((p) => p.reference)).toEqual([
        'ref-1',
      ]);
      // past the lease, every claim is free again (its holder is taken for dead)
      const later = { ...base, now: base.now + 60_000, owner: 'D' };
      expect((await store.claimQuietOpenPayments(later)).map((p) => p.reference)).toEqual([
        'ref-0',
        'ref-1',
        'ref-2',
        'ref-3',
        'ref-4',
      ]);
    });

    it('runs work under an exclusive lock one at a time', async () => {
      const order: string[] = [];
      let inside = 0;
      let most = 0;
      const work = (name: string) =>
        store.exclusive('test-lock', async () => {
          inside++;
          most = Math.max(most, inside);
          order.push(`start ${name}`);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`end ${name}`);
          inside--;
          return name;
        });
      expect(await Promise.all([work('a'), work('b'), work('c')])).toEqual(['a', 'b', 'c']);
      expect(most).toBe(1);
      expect(order).toHaveLength(6);
    });
  });
}
