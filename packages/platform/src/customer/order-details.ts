import type { Receipt } from '@betal/contract';

/**
 * What the Order Management API knows of a payment's order (contract 6): its category, the merchant's page of
 * order details that the app opens in a web view ("See details", SEED 004), an optional image, and the receipt
 * sent through Order Management (after, or instead of, the one in ePayment create).
 */
export interface OrderDetails {
  /** The category of the order, e.g. `GENERAL`, `TICKET`, `BOOKING`; absent when only a receipt was sent. */
  category?: string;
  /** The merchant's page of the order (an invoice, a ticket...), opened in the app's web view. */
  orderDetailsUrl?: string;
  /** An image of the category, shown with the order in the app. */
  imageUrl?: string;
  /** The order's receipt as Order Management has it (the first one sent; contract 6, receipts are immutable). */
  receipt?: Receipt;
}

/**
 * Where the customer's app finds a payment's order details: implemented by the Order Management API, and given to
 * the customer routes as the `orderDetails` option. `find` answers undefined when the merchant attached none.
 */
export interface OrderDetailsSource {
  find(msn: string, reference: string): Promise<OrderDetails | undefined>;
}

/** The default source: no order has details. */
export const NO_ORDER_DETAILS: OrderDetailsSource = {
  find: async () => undefined,
};
