import { Type, type Static } from '@sinclair/typebox';
import { CURRENCIES } from './common.js';
import { MinorUnits, Nullable, StringEnum } from './schema-helpers.js';

/** Units an order line's quantity can be given in. Source: contract 6 (Receipt objects). */
export const QUANTITY_UNITS = ['PCS', 'KG', 'KM', 'MINUTE', 'LITRE', 'KWH'] as const;

/** `unitInfo` of an order line: price per unit (minor units) and quantity as a decimal string. */
const UnitInfoSchema = Type.Object(
  {
    unitPrice: Nullable(MinorUnits({ minimum: 0 })),
    quantity: Type.String({ maxLength: 10, pattern: '^\\d+([\\.]\\d{1,8})?$' }),
    quantityUnit: Type.Optional(Nullable(StringEnum(QUANTITY_UNITS))),
  },
  { additionalProperties: false },
);

/**
 * One line of a receipt. All amounts are int64 minor units; `totalAmount` includes tax and discount.
 * Exactly one of `taxRate` (0-10000, 2500 = 25 %) or the deprecated `taxPercentage` (0-100) must be set: that
 * rule is checked outside the schema. Source: contract 6 (OrderLine).
 */
const OrderLineSchema = Type.Object(
  {
    name: Type.String(),
    id: Type.String(),
    totalAmount: MinorUnits(),
    totalAmountExcludingTax: MinorUnits(),
    totalTaxAmount: MinorUnits(),
    taxPercentage: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
    taxRate: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10000 }))),
    unitInfo: Type.Optional(Nullable(UnitInfoSchema)),
    discount: Type.Optional(Nullable(MinorUnits({ minimum: 0 }))),
    productUrl: Type.Optional(Nullable(Type.String())),
    isReturn: Type.Optional(Nullable(Type.Boolean())),
    isShipping: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
export type OrderLine = Static<typeof OrderLineSchema>;

const NullableInt = () => Type.Optional(Nullable(Type.Integer({ format: 'int64' })));
const NullableNonNegative = () => Type.Optional(Nullable(MinorUnits({ minimum: 0 })));

/** Summary of a receipt: currency (required) and optional tip, POS id, payment sources, barcode. */
const BottomLineSchema = Type.Object(
  {
    currency: StringEnum(CURRENCIES),
    tipAmount: NullableNonNegative(),
    giftCardAmount: NullableNonNegative(),
    posId: Type.Optional(Nullable(Type.String())),
    totalAmount: NullableInt(),
    totalTax: NullableNonNegative(),
    totalDiscount: NullableNonNegative(),
    shippingAmount: NullableNonNegative(),
    shippingInfo: Type.Optional(
      Nullable(
        Type.Object(
          {
            amount: Nullable(MinorUnits({ minimum: 0 })),
            amountExcludingTax: Nullable(MinorUnits({ minimum: 0 })),
            taxAmount: Nullable(MinorUnits({ minimum: 0 })),
            taxPercentage: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    paymentSources: Type.Optional(
      Nullable(
        Type.Object(
          { giftCard: NullableInt(), card: NullableInt(), voucher: NullableInt(), cash: NullableInt() },
          { additionalProperties: false },
        ),
      ),
    ),
    barcode: Type.Optional(
      Nullable(
        Type.Object(
          {
            format: Nullable(StringEnum(['EAN-13', 'CODE 39', 'CODE 128'] as const)),
            data: Nullable(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    receiptNumber: Type.Optional(Nullable(Type.String())),
    terminalId: Type.Optional(Nullable(Type.String())),
  },
  { additionalProperties: false },
);

/**
 * A receipt: at least one order line and a bottom line. Shared by ePayment create (`receipt`) and Order
 * Management (`POST /v2/{paymentType}/receipts/{orderId}`). Source: contract 3.2 and 6.
 */
export const ReceiptSchema = Type.Object(
  {
    orderLines: Type.Array(OrderLineSchema, { minItems: 1 }),
    bottomLine: BottomLineSchema,
  },
  { additionalProperties: false },
);
export type Receipt = Static<typeof ReceiptSchema>;

/**
 * The one cross-field rule of an order line that JSON Schema cannot say: exactly one of `taxRate` and
 * `taxPercentage`. Returns the index and reason of the first offending line, or undefined.
 */
export function findOrderLineTaxError(receipt: Receipt): { index: number; reason: string } | undefined {
  for (const [index, line] of receipt.orderLines.entries()) {
    const hasRate = line.taxRate !== undefined && line.taxRate !== null;
    const hasPercentage = line.taxPercentage !== undefined && line.taxPercentage !== null;
    if (hasRate === hasPercentage) {
      return { index, reason: 'Exactly one of taxRate and taxPercentage must be set.' };
    }
  }
  return undefined;
}
