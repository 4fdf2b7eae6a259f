import type { OrderLine, Receipt } from '@betal/contract';

/**
 * Receipts of the merchant's orders and invoices (contract 6, Receipt objects): order lines with prices that
 * include VAT, split into the amount without tax and the tax, in minor units. Pure.
 */

/** A line as the merchant keeps it: what, how many, the unit price with VAT (minor units), the VAT rate. */
export interface Line {
  /** The merchant's id of the product or line, e.g. `socks-wool`. */
  id: string;
  name: string;
  quantity: number;
  /** Price of one unit, VAT included, minor units. */
  unitPrice: number;
  /** VAT rate in basis points: 2500 = 25 % (contract 6, `taxRate`). */
  taxRate: number;
}

/** Total of lines, VAT included, minor units. */
export function totalOf(lines: readonly Line[]): number {
  return lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
}

/**
 * One receipt order line: `totalAmount` = unit price × quantity (VAT included), `totalAmountExcludingTax` =
 * total × 10000 / (10000 + taxRate) rounded to the nearest minor unit, `totalTaxAmount` the rest; `taxRate` in
 * basis points and `unitInfo` with the quantity as a string in PCS (contract 6).
 */
export function orderLineOf(line: Line): OrderLine {
  const total = line.unitPrice * line.quantity;
  const excluding = Math.round((total * 10000) / (10000 + line.taxRate));
  return {
    name: line.name,
    id: line.id,
    totalAmount: total,
    totalAmountExcludingTax: excluding,
    totalTaxAmount: total - excluding,
    taxRate: line.taxRate,
    unitInfo: { unitPrice: line.unitPrice, quantity: String(line.quantity), quantityUnit: 'PCS' },
  };
}

/**
 * The receipt of lines in `currency` (at least one line; contract 6), with an optional receipt number on the
 * bottom line. Its order lines add up to {@link totalOf}(lines).
 */
export function receiptOf(lines: readonly Line[], currency: string, receiptNumber?: string): Receipt {
  return {
    orderLines: lines.map(orderLineOf),
    bottomLine: {
      currency: currency as Receipt['bottomLine']['currency'],
      ...(receiptNumber ? { receiptNumber } : {}),
    },
  };
}

/** The one line of {@link singleLineReceipt}: what is asked for and how much. */
export interface SingleLine {
  /** The line's id (the payment link's id, or the request's reference). */
  id: string;
  /** The line's name, e.g. the payment link's description. */
  description: string;
  /** The amount in minor units (VAT included). */
  amount: number;
  /** ISO 4217, e.g. `NOK`. */
  currency: string;
  /** The receipt number on the bottom line, if any. */
  receiptNumber?: string;
}

/** A receipt of one line for a payment request of `amount` minor units and a description (25 % VAT). */
export function singleLineReceipt({ id, description, amount, currency, receiptNumber }: SingleLine): Receipt {
  return receiptOf(
    [{ id, name: description, quantity: 1, unitPrice: amount, taxRate: 2500 }],
    currency,
    receiptNumber,
  );
}
