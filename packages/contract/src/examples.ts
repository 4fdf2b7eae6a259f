import {
  CancelRequestSchema,
  CreatePaymentRequestSchema,
  ForceApproveRequestSchema,
  ModificationRequestSchema,
  type CreatePaymentRequest,
  type ForceApproveRequest,
  type ModificationRequest,
} from './epayment.js';
import { ReceiptSchema, type Receipt } from './receipt.js';
import { RegisterWebhookRequestSchema, type RegisterWebhookRequest } from './webhooks.js';

/*
 * Whole-body examples of the ePayment requests (and of a receipt and a webhook registration), shown by the OpenAPI document (and sent by its "Try it out").
 * They are typed, so a change of the schemas that breaks them fails the typecheck, and they are attached to the
 * schemas here (as the JSON Schema `examples` annotation, which validation ignores) rather than in epayment.ts.
 */

/** A WEB_REDIRECT payment of 499.00 NOK for a known test user (the values of the spec's examples). */
export const CREATE_PAYMENT_EXAMPLE: CreatePaymentRequest = {
  amount: { currency: 'NOK', value: 49900 },
  paymentMethod: { type: 'WALLET' },
  customer: { phoneNumber: '4712345678' },
  reference: 'acme-shop-123-order123abc',
  returnUrl: 'https://example.com/redirect?orderId=acme-shop-123-order123abc',
  userFlow: 'WEB_REDIRECT',
  paymentDescription: 'One pair of socks',
};

/** Capture or refund of the whole example payment. */
const MODIFICATION_EXAMPLE: ModificationRequest = {
  modificationAmount: { currency: 'NOK', value: 49900 },
};

/** Force approve as the test user the example payment names. */
const FORCE_APPROVE_EXAMPLE: ForceApproveRequest = { customer: { phoneNumber: '4712345678' } };

/** Cancel of the example payment (the whole payment, not only the authorization). */
const CANCEL_EXAMPLE = { cancelTransactionOnly: false };

/** The receipt of the example payment: one pair of socks at 499.00 NOK, 25 % VAT (the spec's order line). */
const RECEIPT_EXAMPLE: Receipt = {
  orderLines: [
    {
      name: 'socks',
      id: '1234567890',
      totalAmount: 49900,
      totalAmountExcludingTax: 39920,
      totalTaxAmount: 9980,
      taxRate: 2500,
      unitInfo: { unitPrice: 49900, quantity: '1', quantityUnit: 'PCS' },
      productUrl: 'https://example.com/store/socks',
    },
  ],
  bottomLine: { currency: 'NOK', posId: 'webshop-1' },
};

/** A webhook for the events a shop acts on. */
const REGISTER_WEBHOOK_EXAMPLE: RegisterWebhookRequest = {
  url: 'https://example.com/webhooks/vipps',
  events: ['epayments.payment.authorized.v1', 'epayments.payment.captured.v1'],
};

Object.assign(CreatePaymentRequestSchema, { examples: [CREATE_PAYMENT_EXAMPLE] });
Object.assign(ModificationRequestSchema, { examples: [MODIFICATION_EXAMPLE] });
Object.assign(ForceApproveRequestSchema, { examples: [FORCE_APPROVE_EXAMPLE] });
Object.assign(CancelRequestSchema, { examples: [CANCEL_EXAMPLE] });
Object.assign(ReceiptSchema, { examples: [RECEIPT_EXAMPLE] });
Object.assign(RegisterWebhookRequestSchema, { examples: [REGISTER_WEBHOOK_EXAMPLE] });
