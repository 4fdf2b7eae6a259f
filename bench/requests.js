// The requests the benchmarks send (bench/core.js, bench/postgres.js), as autocannon request lists.

let seq = 0;
/** This run's tag in every reference, so that runs against one store never collide. */
export const run = Date.now().toString(36);

/** A reference no other request of this run has: `{prefix}-{run}-{n}`. */
export const nextReference = (prefix) => `${prefix}-${run}-${seq++}`;

/** A WEB_REDIRECT create body of NOK 100.00 (10 000 minor units) for `reference`. */
export const createBody = (reference) =>
  JSON.stringify({
    amount: { currency: 'NOK', value: 10_000 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://example.com/return',
    paymentDescription: 'Benchmark payment',
  });

/** A create (POST /epayment/v1/payments) with a fresh reference, kept in the request's context for what follows. */
export function createRequest(headers, prefix) {
  return {
    method: 'POST',
    path: '/epayment/v1/payments',
    setupRequest: (req, context) => {
      const reference = nextReference(prefix);
      context.reference = reference;
      return { ...req, headers: { ...headers, 'idempotency-key': reference }, body: createBody(reference) };
    },
  };
}

/** The headers of a GET: those of a POST without its Content-Type. */
export const getHeaders = (headers) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type'));

/** Create, force approve, capture (all 10 000 minor units), get: four requests per lifecycle. */
export function lifecycle(headers, prefix) {
  return [
    createRequest(headers, prefix),
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/test/payments/${context.reference}/approve`,
        headers: { ...headers },
        body: '{"customer":{"phoneNumber":"4712345678"}}',
      }),
    },
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/payments/${context.reference}/capture`,
        headers: { ...headers, 'idempotency-key': `cap-${context.reference}` },
        body: '{"modificationAmount":{"currency":"NOK","value":10000}}',
      }),
    },
    {
      method: 'GET',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/payments/${context.reference}`,
        headers: getHeaders(headers),
        body: undefined,
      }),
    },
  ];
}
