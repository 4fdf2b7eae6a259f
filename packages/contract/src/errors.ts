/**
 * The ePayment error codes of contract 3.9, each with the HTTP status and title this platform answers with.
 * A domain failure is a 400 Problem whose `extraDetails` is `[{name: 'ErrorCode', reason: '<code>'}]` (the sales
 * unit's 5xxx refusals included: contract 3.9 keeps 403 for a sales unit without the product at all); clients
 * branch on the code, never on the title. Source: contract 3.6, 3.8, 3.9, 3.10, 3.12.
 *
 * `detail`, where given, is the API's standard detail text of the code (ePayment v1.6.0 changed those of 5070,
 * 5100, 6060 and 6160, and 5070 then became a 422); the platform starts its own detail with it. The capture
 * failures 6260 and 6280 date from August 2026.
 */
export const EPAYMENT_ERRORS = {
  3010: { status: 500, title: 'Internal error' },
  4010: { status: 409, title: 'Capture idempotency conflict' },
  4020: { status: 409, title: 'Idempotency error' },
  4040: { status: 400, title: 'Invalid amount' },
  4050: { status: 400, title: 'Invalid customer token' },
  4060: { status: 400, title: 'Invalid personal QR' },
  4070: { status: 400, title: 'Invalid phone number' },
  4080: { status: 400, title: 'Invalid scope' },
  4090: { status: 400, title: 'Invalid URL' },
  4100: { status: 400, title: 'Metadata capacity exceeded' },
  4110: { status: 400, title: 'Metadata duplicate key' },
  4120: { status: 400, title: 'Metadata key too long' },
  4130: { status: 400, title: 'Metadata value too long' },
  4140: { status: 400, title: 'Missing required parameter' },
  4150: { status: 409, title: 'Reference exists' },
  4160: { status: 400, title: 'Invalid payment method type' },
  5010: { status: 400, title: 'Blocked sources not applicable' },
  5020: { status: 400, title: 'Express not allowed' },
  5030: { status: 400, title: 'Illegal scope' },
  5040: { status: 400, title: 'Invalid currency for merchant' },
  5050: { status: 400, title: 'Long living payments not allowed' },
  5060: { status: 400, title: 'Merchant bank account not verified' },
  5070: {
    status: 422,
    title: 'Payment cannot be created',
    detail:
      'Payment cannot be created due to invalid state, missing precondition, or incorrect merchant setup',
  },
  5080: { status: 400, title: 'Skip landing page not allowed' },
  5090: { status: 404, title: 'Reference not found' },
  5100: {
    status: 400,
    title: 'Refund not possible',
    detail: 'Cannot refund payment due to a configuration problem',
  },
  6010: { status: 400, title: 'Amount too low' },
  6020: { status: 400, title: 'Attempted refund before reservation' },
  6030: { status: 400, title: 'Cancel period expired' },
  6040: { status: 400, title: 'Cannot cancel a captured payment' },
  6060: {
    status: 400,
    title: 'Cannot cancel authorized payment',
    detail: 'This payment is authorized and cannot be cancelled when CancelTransactionOnly is set',
  },
  6070: { status: 400, title: 'Cannot capture a cancelled payment' },
  6080: { status: 400, title: 'Cannot capture before reservation' },
  6090: { status: 400, title: 'Capture amount too high' },
  6100: { status: 400, title: 'Capture period expired' },
  6110: { status: 400, title: 'ExpiresAt too late' },
  6120: { status: 400, title: 'ExpiresAt too soon' },
  6130: { status: 400, title: 'Long living payment requires a receipt' },
  6140: { status: 400, title: 'Only full capture allowed' },
  6150: { status: 400, title: 'Not enough refundable' },
  6160: { status: 423, title: 'Order processing', detail: 'Order locked and is already processing' },
  6170: { status: 400, title: 'Payment already captured' },
  6190: { status: 400, title: 'Payment cannot be cancelled' },
  6200: { status: 400, title: 'Payment cannot be captured' },
  6210: { status: 400, title: 'Payment cannot be refunded' },
  6220: { status: 400, title: 'Refund period expired' },
  6230: { status: 400, title: 'Payment already reserved' },
  6250: { status: 400, title: 'Cannot cancel processing payment' },
  6260: { status: 400, title: 'Funds unavailable' },
  6280: { status: 400, title: 'Capture failed, please try again later' },
  7010: { status: 400, title: 'Customer not found' },
  10010: { status: 400, title: 'Approve failed' },
  10020: { status: 400, title: 'Approve not allowed' },
  10030: { status: 400, title: 'Identification required' },
  10040: { status: 400, title: 'Invalid payment source' },
  10050: { status: 400, title: 'No cards' },
  10060: { status: 400, title: 'Operation not supported' },
  10070: { status: 400, title: 'Payment limit exceeded' },
} as const satisfies Record<number, { status: number; title: string; detail?: string }>;

/** A numeric ePayment error code of {@link EPAYMENT_ERRORS}. */
export type EPaymentErrorCode = keyof typeof EPAYMENT_ERRORS;

/** The standard detail text of a code, when the API has one (see {@link EPAYMENT_ERRORS}). */
export function standardDetail(code: EPaymentErrorCode): string | undefined {
  const entry = EPAYMENT_ERRORS[code] as { status: number; title: string; detail?: string };
  return entry.detail;
}
