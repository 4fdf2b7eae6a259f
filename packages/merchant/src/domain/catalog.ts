/**
 * The small shop's products (seed 002: "Purchase of socks"). Prices include 25 % VAT, in minor units of the
 * shop's currency.
 */
export interface Product {
  id: string;
  name: string;
  description: string;
  /** Price with VAT, minor units. */
  price: number;
  /** VAT rate in basis points (2500 = 25 %). */
  taxRate: number;
  /** A colour for the product's picture. */
  colour: string;
}

/** The products of the shop, in the order shown. */
export const PRODUCTS: readonly Product[] = [
  {
    id: 'socks-wool',
    name: 'Wool socks',
    description: 'Warm socks of Norwegian wool, one pair.',
    price: 14900,
    taxRate: 2500,
    colour: '#e8743b',
  },
  {
    id: 'beanie',
    name: 'Knitted beanie',
    description: 'A beanie for windy days.',
    price: 24900,
    taxRate: 2500,
    colour: '#3b7de8',
  },
  {
    id: 'mittens',
    name: 'Mittens',
    description: 'Lined mittens, one size.',
    price: 19900,
    taxRate: 2500,
    colour: '#3bb273',
  },
  {
    id: 'rain-jacket',
    name: 'Rain jacket',
    description: 'Light, packable and waterproof.',
    price: 89900,
    taxRate: 2500,
    colour: '#8a3be8',
  },
];

/** The product with `id`, or undefined. */
export function productById(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}
