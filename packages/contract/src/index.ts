export * from './schema-helpers.js';
export * from './common.js';
export * from './receipt.js';
export * from './epayment.js';
export * from './errors.js';
export * from './accesstoken.js';
