import { beforeAll, describe, expect, it } from 'vitest';
import { VippsClient } from '@betal/client';
import { derive } from '../src/domain/order-status.js';
import { startMerchant } from '../src/testing.js';
import {
  getPage,
  linkPayment,
  postForm,
  postSignedWebhook,
  usePair,
  statusOf,
  submitted,
  sumsOf,
  T0,
  tokenOf,
  until,
} from './support/setup.js';
import { STORE_BACKENDS } from './support/stores.js';

// Every test runs on each store: SQLite, and PostgreSQL when it can be reached (BETAL_TEST_PG).
for (const backend of STORE_BACKENDS) {
  describe.skipIf(backend.unavailable !== undefined)(`on ${backend.name}`, () => {
    /**
     * The merchant against an in-process platform, over HTTP as a browser would use its forms (the customer's
     * approval is the platform's test-only force approve here; the browser tests go through the landing page and
     * the app). Proves the five flows' merchant side, the webhook receiver, reconciliation and that bad input and
     * failed platform calls are shown, never a 5xx for bad input.
     */
    describe('merchant with an in-process platform', () => {
      const pair = usePair({}, backend);
      let base: string;
      const approve = (reference: string, phoneNumber = '4791234567') =>
        pair.merchant.merchant.client.epayment.forceApprove(reference, { customer: { phoneNumber } });

      beforeAll(() => {
        base = pair.merchant.url;
      });

      it('registers its webhook for every ePayment event at start, and keeps it across a restart of the registrar', async () => {
        const status = pair.merchant.merchant.registrar.status;
        expect(status?.ok).toBe(true);
        const listed = await pair.merchant.merchant.client.webhooks.list();
        const mine = listed.webhooks.filter((w) => w.url === `${base}/webhooks/vipps`);
        expect(mine).toHaveLength(1);
        expect(mine[0]!.events).toContain('epayments.payment.authorized.v1');
        expect(mine[0]!.events).toHaveLength(8);
        // ensuring again does not register twice
        await pair.merchant.merchant.registrar.ensure();
        const again = await pair.merchant.merchant.client.webhooks.list();
        expect(again.webhooks.filter((w) => w.url === `${base}/webhooks/vipps`)).toHaveLength(1);
      });

      it('shop (seed 002): cart → WEB_REDIRECT with the cart as receipt → return page confirms by query → ship captures', async () => {
        const cookieRes = await fetch(`${base}/shop/cart`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'product=socks-wool&quantity=2',
          redirect: 'manual',
        });
        expect(cookieRes.status).toBe(303);
        const cookie = cookieRes.headers.get('set-cookie')!.split(';')[0]!;
        const post = (path: string, body: string) =>
          fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
            body,
            redirect: 'manual',
          });
        expect((await post('/shop/cart', 'product=beanie&quantity=1')).status).toBe(303);
        const cart = await (await fetch(`${base}/shop/cart`, { headers: { cookie } })).text();
        expect(cart).toContain('NOK\u00a0547.00'); // 2 × 149 + 249
        const checkout = await post('/shop/checkout', '');
        expect(checkout.status).toBe(303);
        const landing = checkout.headers.get('location')!;
        expect(landing).toContain(`${pair.platform.url}/landing?token=`);

        const order = (await pair.merchant.merchant.store.listShopOrders())[0]!;
        const record = (await pair.merchant.merchant.payments.get(order.reference))!;
        expect(record.receiptInCreate).toBe(true);
        expect(record.receipt.orderLines.map((l) => l.totalAmount)).toEqual([29800, 24900]);
        // The receipt went with create: the platform's order has it.
        const om = await pair.merchant.merchant.client.orderManagement.getOrder(order.reference);
        expect(om.receipt?.orderLines).toHaveLength(2);

        // Coming back before approval: the return page asks the platform and does not confirm.
        const early = await getPage(base, `/shop/orders/${order.id}`);
        expect(early.text).toContain('Waiting for the payment');
        expect(early.text).not.toContain('order is confirmed');

        await approve(order.reference);
        const back = await getPage(base, `/shop/orders/${order.id}`);
        expect(back.text).toContain('Your order is confirmed');
        expect(await statusOf(pair.merchant, order.reference)).toBe('AUTHORIZED');

        await submitted(base, `/merchant/orders/${order.id}/ship`);
        const shipped = (await pair.merchant.merchant.payments.get(order.reference))!;
        expect(derive(shipped.view).sums.captured).toBe(54700);
        expect(await statusOf(pair.merchant, order.reference)).toBe('CAPTURED');
        const platformView = await pair.merchant.merchant.client.epayment.get(order.reference);
        expect(platformView.aggregate.capturedAmount.value).toBe(54700);
        // shipping twice is refused with a message
        const twice = await postForm(base, `/merchant/orders/${order.id}/ship`);
        expect(twice.status).toBe(409);
        expect(twice.text).toContain('shipped already');
      });

      it('link (seed 000): link and QR → WEB_REDIRECT → webhook → receipt with Order Management → capture and partial refund', async () => {
        const created = await postForm(base, '/merchant/links', {
          amount: '249,50',
          description: 'Guided tour for two',
        });
        expect(created.status).toBe(303);
        const linkPath = created.location!.split('?')[0]!;
        const linkId = linkPath.split('/').pop()!;
        const linkPage = await getPage(base, linkPath);
        expect(linkPage.text).toContain(`${base}/pay/${linkId}`);
        expect(linkPage.text).toContain('<svg'); // the QR code
        const print = await getPage(base, `${linkPath}/print`);
        expect(print.status).toBe(200);
        expect(print.text).toContain('NOK\u00a0249.50');

        const pay = await submitted(base, `/pay/${linkId}`);
        expect(pay.location).toContain('/landing?token=');
        const reference = (
          await pair.merchant.merchant.store.listPayments({ purpose: 'link', ownerId: linkId })
        )[0]!.reference;
        // paying again while it is pending resumes the same payment
        const again = await postForm(base, `/pay/${linkId}`);
        expect(again.location).toBe(pay.location);
        expect(
          await pair.merchant.merchant.store.listPayments({ purpose: 'link', ownerId: linkId }),
        ).toHaveLength(1);

        await approve(reference);
        // the status arrives by webhook; the receipt follows
        const authorized = await until(
          pair.merchant,
          reference,
          (r) => derive(r.view).state === 'AUTHORIZED' && r.receiptAttachedAt !== undefined,
        );
        expect(
          Object.values(authorized.view.events).some((e) => e.name === 'AUTHORIZED' && e.via === 'webhook'),
        ).toBe(true);
        const om = await pair.merchant.merchant.client.orderManagement.getOrder(reference);
        expect(om.receipt?.orderLines[0]?.totalAmount).toBe(24950);

        const done = await getPage(base, `/pay/${linkId}/done?reference=${reference}`);
        expect(done.text).toContain('Payment approved');

        await submitted(base, `/merchant/payments/${reference}/capture`, { amount: '249.50' });
        await submitted(base, `/merchant/payments/${reference}/refund`, { amount: '50' });
        expect(await sumsOf(pair.merchant, reference)).toEqual({
          authorized: 24950,
          captured: 24950,
          refunded: 5000,
          cancelled: 0,
        });
        expect(await statusOf(pair.merchant, reference)).toBe('PARTIALLY_REFUNDED');
        const detail = await getPage(base, `/merchant/payments/${reference}`);
        expect(detail.text).toContain('CAPTURED');
        expect(detail.text).toContain('REFUNDED');
        expect(detail.text).toContain('Webhooks received');
      });

      it('phone sharing (seed 003) then direct (seed 001): Userinfo stores the phone number; the next request goes to the app', async () => {
        const reference = await linkPayment(pair.merchant, {
          amount: '300',
          description: 'Insurance',
          sharePhone: '1',
        });
        expect((await pair.merchant.merchant.payments.get(reference))!.scope).toBe('phoneNumber');
        await approve(reference, '4796574209');
        const saved = await until(pair.merchant, reference, (r) => r.customerSavedAt !== undefined);
        expect(saved.view.sub).toBeTruthy();
        const customer = await pair.merchant.merchant.store.getCustomer('4796574209');
        expect(customer?.sub).toBe(saved.view.sub);
        expect(customer?.consentSource).toContain(reference);

        // now a request straight to the app
        const sent = await postForm(base, '/merchant/customers/4796574209/requests', {
          amount: '120',
          description: 'Monthly fee',
        });
        expect(sent.status).toBe(303);
        const direct = sent.location!.split('?')[0]!.split('/').pop()!;
        const record = (await pair.merchant.merchant.payments.get(direct))!;
        expect(record.userFlow).toBe('PUSH_MESSAGE');
        expect(record.phoneNumber).toBe('4796574209');
        await approve(direct, '4796574209');
        const authorized = await until(
          pair.merchant,
          direct,
          (r) => derive(r.view).state === 'AUTHORIZED' && r.receiptAttachedAt !== undefined,
        );
        expect(authorized.receiptInCreate).toBe(false);
        expect((await postForm(base, `/merchant/payments/${direct}/capture`, { amount: '120' })).status).toBe(
          303,
        );
        expect(await statusOf(pair.merchant, direct)).toBe('CAPTURED');
      });

      it('invoice (seed 004), known customer: GENERAL category with the invoice page, long-living PUSH_MESSAGE; paid → captured', async () => {
        await postForm(base, '/merchant/customers', {
          phoneNumber: '+47 123 45 678',
          name: 'Kari',
          consent: '1',
        });
        expect(await pair.merchant.merchant.store.getCustomer('4712345678')).toBeDefined();
        const res = await postForm(base, '/merchant/invoices', {
          customerName: 'Kari Nordmann',
          phoneNumber: '4712345678',
          lineName: ['Electricity, October', 'Grid rent', ''],
          quantity: ['1', '2', ''],
          unitPrice: ['500', '75.50', ''],
          taxRate: ['2500', '2500', '2500'],
          dueDate: '2026-12-10',
        });
        expect(res.status).toBe(303);
        const invoiceId = res.location!.split('?')[0]!.split('/').pop()!;
        const invoice = (await pair.merchant.merchant.store.getInvoice(invoiceId))!;
        expect(invoice.total).toBe(65100);
        const [payment] = await pair.merchant.merchant.store.listPayments({
          purpose: 'invoice',
          ownerId: invoiceId,
        });
        expect(payment!.userFlow).toBe('PUSH_MESSAGE');
        expect(payment!.expiresAt).toBe('2026-12-10T23:59:59Z');
        const om = await pair.merchant.merchant.client.orderManagement.getOrder(payment!.reference);
        expect(om.category).toEqual(
          expect.objectContaining({
            category: 'GENERAL',
            orderDetailsUrl: `${base}/invoices/${invoiceId}?view=app`,
          }),
        );
        const page = await getPage(base, `/invoices/${invoiceId}`);
        expect(page.text).toContain('Invoice #');
        expect(page.text).toContain('waiting in your Vipps MobilePay app');

        await approve(payment!.reference, '4712345678');
        const captured = await until(
          pair.merchant,
          payment!.reference,
          (r) => derive(r.view).status === 'CAPTURED',
        );
        expect(derive(captured.view).sums.captured).toBe(65100);
        expect((await getPage(base, `/invoices/${invoiceId}`)).text).toContain('Paid. Thank you!');
      });

      it('invoice, unpaid: expires with the platform clock; the EXPIRED webhook marks it expired', async () => {
        const res = await postForm(base, '/merchant/invoices', {
          customerName: 'Kari Nordmann',
          phoneNumber: '4712345678',
          lineName: ['Membership'],
          quantity: ['1'],
          unitPrice: ['990'],
          taxRate: ['0'],
          dueDate: '2026-11-23',
        });
        const invoiceId = res.location!.split('?')[0]!.split('/').pop()!;
        const [payment] = await pair.merchant.merchant.store.listPayments({
          purpose: 'invoice',
          ownerId: invoiceId,
        });
        const advanced = await fetch(`${pair.platform.url}/betal/clock/advance`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ seconds: 2 * 24 * 3600 }),
        });
        expect(advanced.status).toBe(200);
        await until(pair.merchant, payment!.reference, (r) => derive(r.view).status === 'EXPIRED');
        const list = await getPage(base, '/merchant/invoices');
        expect(list.text).toContain('Expired unpaid');
      });

      it('invoice, unknown customer: the invoice page offers the one-time WEB_REDIRECT with phoneNumber scope', async () => {
        const now = pair.platform.clock.now();
        const due = new Date(now + 5 * 24 * 3600 * 1000).toISOString().slice(0, 10);
        const res = await postForm(base, '/merchant/invoices', {
          customerName: 'Ola Hansen',
          phoneNumber: '',
          lineName: ['Consulting'],
          quantity: ['3'],
          unitPrice: ['1000'],
          taxRate: ['2500'],
          dueDate: due,
        });
        const invoiceId = res.location!.split('?')[0]!.split('/').pop()!;
        expect(
          await pair.merchant.merchant.store.listPayments({ purpose: 'invoice', ownerId: invoiceId }),
        ).toHaveLength(0);
        const pay = await submitted(base, `/invoices/${invoiceId}/pay`);
        const [payment] = await pair.merchant.merchant.store.listPayments({
          purpose: 'invoice',
          ownerId: invoiceId,
        });
        expect(payment!.userFlow).toBe('WEB_REDIRECT');
        expect(payment!.scope).toBe('phoneNumber');
        await pair.merchant.merchant.client.epayment.forceApprove(payment!.reference, {
          token: tokenOf(pay.location!),
          customer: { phoneNumber: '4791234567' },
        });
        await until(
          pair.merchant,
          payment!.reference,
          (r) => derive(r.view).status === 'CAPTURED' && r.customerSavedAt !== undefined,
        );
        expect(await pair.merchant.merchant.store.getCustomer('4791234567')).toBeDefined();
      });
    });

    describe('bad input and failed platform calls are shown, never a 5xx for bad input', () => {
      const pair = usePair({}, backend);
      let base: string;
      beforeAll(() => {
        base = pair.merchant.url;
      });

      it.each([
        [{ amount: 'abc', description: 'Tour' }, 'is not a number'],
        [{ amount: '-5', description: 'Tour' }, 'more than zero'],
        [{ amount: '0.50', description: 'Tour' }, 'at least NOK\u00a01.00'],
        [{ amount: '1.234', description: 'Tour' }, 'at most 2 decimals'],
        [{ amount: '700000', description: 'Tour' }, 'at most NOK\u00a0650,000.00'],
        [{ amount: '100', description: 'ab' }, 'at least 3 characters'],
        [{ amount: '100', description: 'x'.repeat(101) }, 'at most 100 characters'],
      ])('a payment link with %o is refused: %s', async (fields, message) => {
        const res = await postForm(base, '/merchant/links', fields);
        expect(res.status).toBe(400);
        expect(res.text).toContain(message);
      });

      it.each([
        ['12345', '10 to 15 digits'],
        ['47-91-23-45-6x', 'only hold digits'],
        ['', 'missing'],
      ])('a customer with phone number %j is refused: %s', async (phoneNumber, message) => {
        const res = await postForm(base, '/merchant/customers', { phoneNumber, consent: '1' });
        expect(res.status).toBe(400);
        expect(res.text).toContain(message);
      });

      it('a customer without consent is refused', async () => {
        const res = await postForm(base, '/merchant/customers', { phoneNumber: '4791234567' });
        expect(res.status).toBe(400);
        expect(res.text).toContain('agreed');
      });

      it.each([
        ['2026-11-01', 'in the past'],
        ['2026-02-30', 'does not exist'],
        ['2027-06-01', 'at most 59 days ahead'],
        ['soon', 'not a date'],
      ])('an invoice due %s is refused: %s', async (dueDate, message) => {
        const res = await postForm(base, '/merchant/invoices', {
          customerName: 'X Y',
          lineName: ['Thing'],
          quantity: ['1'],
          unitPrice: ['10'],
          taxRate: ['2500'],
          dueDate,
        });
        expect(res.status).toBe(400);
        expect(res.text).toContain(message);
      });

      it('an invoice without lines is refused', async () => {
        const res = await postForm(base, '/merchant/invoices', {
          customerName: 'X Y',
          dueDate: '2026-12-01',
        });
        expect(res.status).toBe(400);
        expect(res.text).toContain('at least one line');
      });

      it('a refusal by the platform is shown with its code: a user who may not pay businesses (7010)', async () => {
        await postForm(base, '/merchant/customers', { phoneNumber: '4790000013', consent: '1' });
        const res = await postForm(base, '/merchant/customers/4790000013/requests', {
          amount: '10',
          description: 'Pocket money',
        });
        expect(res.status).toBe(422);
        expect(res.text).toContain('7010');
        const [failed] = await pair.merchant.merchant.store.listPayments({
          purpose: 'direct',
          ownerId: '4790000013',
        });
        expect(await statusOf(pair.merchant, failed!.reference)).toBe('FAILED');
      });

      it('a capture larger than what is left is refused with a message, before any call', async () => {
        const reference = await linkPayment(pair.merchant, {
          amount: '100',
          description: 'Small thing',
        });
        await pair.merchant.merchant.client.epayment.forceApprove(reference, {
          customer: { phoneNumber: '4791234567' },
        });
        await pair.merchant.merchant.payments.refresh(reference);
        const res = await postForm(base, `/merchant/payments/${reference}/capture`, { amount: '150' });
        expect(res.status).toBe(409);
        expect(res.text).toContain('At most NOK\u00a0100.00 can be captured');
        const bad = await postForm(base, `/merchant/payments/${reference}/refund`, { amount: 'ten' });
        expect(bad.status).toBe(400);
      });

      it('a platform that does not answer is shown as such (502), and the merchant keeps running', async () => {
        const client = new VippsClient({
          baseUrl: 'http://127.0.0.1:9',
          clientId: 'dev-client-id',
          clientSecret: 'dev-client-secret',
          subscriptionKey: 'dev-subscription-key',
          merchantSerialNumber: '123456',
          retry: { attempts: 2, baseDelayMs: 1 }, // one retry, without a real wait
        });
        const lonely = await startMerchant('http://127.0.0.1:9', {
          now: () => pair.platform.clock.now(),
          client,
        });
        try {
          expect(lonely.merchant.registrar.status?.ok).toBe(false);
          const overview = await getPage(lonely.url, '/merchant');
          expect(overview.text).toContain('Registering the webhook');
          const created = await postForm(lonely.url, '/merchant/links', {
            amount: '100',
            description: 'Offline test',
          });
          const linkId = created.location!.split('?')[0]!.split('/').pop()!;
          const pay = await postForm(lonely.url, `/pay/${linkId}`);
          expect(pay.status).toBe(502);
          expect(pay.text).toContain('no answer from the platform');
        } finally {
          await lonely.close();
        }
      });

      it('odd requests get 4xx, not 5xx', async () => {
        expect((await getPage(base, '/merchant/payments/nope')).status).toBe(404);
        expect((await getPage(base, '/pay/nope')).status).toBe(404);
        expect((await getPage(base, '/nowhere')).status).toBe(404);
        const weird = await fetch(`${base}/merchant/links`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        });
        expect(weird.status).toBe(415);
        const empty = await postForm(base, '/shop/cart', { product: 'nope' });
        expect(empty.status).toBe(400);
        const status = await fetch(`${base}/api/status?ref=unknown`);
        expect(await status.json()).toEqual({});
      });
    });

    describe('webhook receiver', () => {
      const pair = usePair({}, backend);
      let base: string;
      beforeAll(() => {
        base = pair.merchant.url;
      });

      const deliver = (payload: unknown, key?: string) => postSignedWebhook(pair.merchant, payload, key);

      it('refuses a bad signature (401) and a body that is no ePayment event (400)', async () => {
        const res = await deliver({ msn: '123456' }, 'not-the-secret');
        expect(res.status).toBe(401);
        const bad = await deliver({ msn: '123456', reference: 'x' });
        expect(bad.status).toBe(400);
        // The payload is checked against the contract's EPaymentWebhookPayloadSchema, which names the field at fault.
        const payload = {
          msn: '123456',
          reference: 'someone-elses-1',
          pspReference: 'psp-shape',
          name: 'AUTHORIZED',
          amount: { currency: 'NOK', value: 100 },
          timestamp: new Date(T0).toISOString(),
          idempotencyKey: null,
          success: true,
        };
        for (const [change, field] of [
          [{ amount: { currency: 'NOK', value: '100' } }, 'amount.value'],
          [{ name: 'SHIPPED' }, 'name'],
          [{ timestamp: 'yesterday' }, 'timestamp'],
          [{ success: undefined }, 'success'],
        ] as const) {
          const res = await deliver({ ...payload, ...change });
          expect(res.status).toBe(400);
          expect(await res.json()).toEqual({
            error: 'invalid-payload',
            message: `The webhook payload has no valid ${field}.`,
          });
        }
        expect((await (await deliver(payload)).json()).outcome).toBe('unknown-payment');
        const unsigned = await fetch(`${base}/webhooks/vipps`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(unsigned.status).toBe(401);
      });

      it('processes each event once: duplicates and out-of-order events change nothing twice', async () => {
        const reference = await linkPayment(pair.merchant, {
          amount: '500',
          description: 'Webhook test',
        });
        const event = (name: string, psp: string, value: number) => ({
          msn: '123456',
          reference,
          pspReference: psp,
          name,
          amount: { currency: 'NOK', value },
          timestamp: new Date(T0).toISOString(),
          idempotencyKey: null,
          success: true,
        });
        // CAPTURED arrives before AUTHORIZED, and twice
        expect(await (await deliver(event('CAPTURED', 'psp-c1', 20000))).json()).toEqual({
          outcome: 'applied',
        });
        expect(await (await deliver(event('CAPTURED', 'psp-c1', 20000))).json()).toEqual({
          outcome: 'duplicate',
        });
        expect(await (await deliver(event('AUTHORIZED', 'psp-a1', 50000))).json()).toEqual({
          outcome: 'applied',
        });
        expect(await sumsOf(pair.merchant, reference)).toEqual({
          authorized: 50000,
          captured: 20000,
          refunded: 0,
          cancelled: 0,
        });
        const ours = (await pair.merchant.merchant.store.listWebhookEvents(reference)).filter((w) =>
          w.pspReference.startsWith('psp-'),
        );
        expect(ours.map((w) => [w.name, w.duplicate])).toEqual([
          ['CAPTURED', false],
          ['CAPTURED', true],
          ['AUTHORIZED', false],
        ]);
        // an event of a payment the merchant does not know is acknowledged and ignored
        const unknown = await deliver({ ...event('AUTHORIZED', 'psp-x', 1), reference: 'someone-elses-1' });
        expect(await unknown.json()).toEqual({ outcome: 'unknown-payment' });
        await pair.merchant.merchant.payments.idle();
      });
    });

    describe('reconciliation without webhooks', () => {
      const pair = usePair({ config: { registerWebhook: false } }, backend);

      it('a payment approved while no webhook came is found by reconciliation after the quiet time, and agrees with the platform', async () => {
        const reference = await linkPayment(pair.merchant, { amount: '80', description: 'No webhook' });
        await pair.merchant.merchant.client.epayment.forceApprove(reference, {
          customer: { phoneNumber: '4791234567' },
        });
        await pair.merchant.merchant.client.epayment.capture(
          reference,
          { currency: 'NOK', value: 3000 },
          'outside-the-merchant-1',
        );
        expect(await statusOf(pair.merchant, reference)).toBe('PENDING');

        const quietMs = 60_000;
        const early = await pair.merchant.merchant.payments.reconcile(quietMs);
        expect(early.checked).not.toContain(reference); // not quiet long enough
        pair.platform.clock.advance(quietMs);
        const run = await pair.merchant.merchant.payments.reconcile(quietMs);
        expect(run.checked).toContain(reference);
        expect(run.failed).toEqual([]);
        const record = (await pair.merchant.merchant.payments.get(reference))!;
        const platformView = await pair.merchant.merchant.client.epayment.get(reference);
        const d = derive(record.view);
        expect(d.state).toBe(platformView.state);
        expect(d.sums).toEqual({
          authorized: platformView.aggregate.authorizedAmount.value,
          captured: platformView.aggregate.capturedAmount.value,
          refunded: platformView.aggregate.refundedAmount.value,
          cancelled: platformView.aggregate.cancelledAmount.value,
        });
        expect(record.receiptAttachedAt).toBeDefined(); // the follow-up ran after reconciliation
        // settled now: the next round leaves it alone
        pair.platform.clock.advance(quietMs);
        const next = await pair.merchant.merchant.payments.reconcile(quietMs);
        expect(next.checked).not.toContain(reference);
      });
    });

    describe('capture in parts and cancel from the payment page', () => {
      const pair = usePair({}, backend);
      let base: string;
      beforeAll(() => {
        base = pair.merchant.url;
      });

      const pendingLinkPayment = (amount: string) =>
        linkPayment(pair.merchant, { amount, description: 'Cancel test' });

      it('a pending request is withdrawn: TERMINATED on the platform and on the page', async () => {
        const reference = await pendingLinkPayment('60');
        await submitted(base, `/merchant/payments/${reference}/cancel`);
        expect(await statusOf(pair.merchant, reference)).toBe('TERMINATED');
        expect((await pair.merchant.merchant.client.epayment.get(reference)).state).toBe('TERMINATED');
        const again = await postForm(base, `/merchant/payments/${reference}/cancel`);
        expect(again.status).toBe(409);
        expect(again.text).toContain('can no longer be cancelled');
      });

      it('part captured, the rest released by cancel; the sums agree with the platform', async () => {
        const reference = await pendingLinkPayment('100');
        await pair.merchant.merchant.client.epayment.forceApprove(reference, {
          customer: { phoneNumber: '4791234567' },
        });
        await pair.merchant.merchant.payments.refresh(reference);
        await submitted(base, `/merchant/payments/${reference}/capture`, { amount: '40' });
        expect(await statusOf(pair.merchant, reference)).toBe('PARTIALLY_CAPTURED');
        // Without the confirm step nothing is released: the answer leads to the confirmation page.
        const unconfirmed = await postForm(base, `/merchant/payments/${reference}/cancel`);
        expect(unconfirmed.location).toBe(`/merchant/payments/${reference}/cancel`);
        expect(await statusOf(pair.merchant, reference)).toBe('PARTIALLY_CAPTURED');
        await submitted(base, `/merchant/payments/${reference}/cancel`, { confirm: 'yes' });
        expect(await sumsOf(pair.merchant, reference)).toEqual({
          authorized: 10000,
          captured: 4000,
          refunded: 0,
          cancelled: 6000,
        });
        expect(await statusOf(pair.merchant, reference)).toBe('CAPTURED');
        const platformView = await pair.merchant.merchant.client.epayment.get(reference);
        expect(platformView.aggregate.cancelledAmount.value).toBe(6000);
        // nothing is left to capture: refused before any call, with a message
        const more = await postForm(base, `/merchant/payments/${reference}/capture`, { amount: '1' });
        expect(more.status).toBe(409);
        expect(more.text).toContain('Nothing is left to capture');
      });
    });
  });
}
