import type { FastifyInstance } from 'fastify';
import { ApiError } from '../kernel/errors.js';
import { money } from './i18n.js';
import { qrImage, QR_SIZE, type QrImageFormat } from './qr.js';
import type { CustomerRouteDeps } from './routes.js';

/** `/qr/v1?token=&format=svg|png&size=`: the QR image of a payment, encoding its landing URL; 404 once it has ended. */
export function qrRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customer } = deps;
  const pageTags = ['Customer pages'];

  app.get<{ Querystring: { token?: string; format?: string; size?: string } }>(
    '/qr/v1',
    {
      schema: {
        tags: pageTags,
        summary:
          "A payment's QR image (SVG or PNG), encoding its landing URL; 404 once the payment has ended",
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string' },
            format: { type: 'string', enum: ['svg', 'png'] },
            size: { type: 'integer', minimum: QR_SIZE.min, maximum: QR_SIZE.max },
          },
        },
      },
    },
    async (request, reply) => {
      const { token, format, size } = request.query;
      const details = [];
      if (!token) details.push({ name: 'token', reason: 'The token query parameter is required.' });
      if (format !== undefined && format !== 'svg' && format !== 'png') {
        details.push({ name: 'format', reason: "The format must be 'svg' or 'png'." });
      }
      const pixels = size === undefined ? undefined : Number(size);
      if (
        pixels !== undefined &&
        (!Number.isInteger(pixels) || pixels < QR_SIZE.min || pixels > QR_SIZE.max)
      ) {
        details.push({
          name: 'size',
          reason: `The size must be an integer from ${QR_SIZE.min} to ${QR_SIZE.max}.`,
        });
      }
      if (details.length > 0 || !token) throw ApiError.validation(details);
      const payment = await customer.paymentByToken(token).catch(() => undefined);
      if (!payment) throw new ApiError(404, 'No QR code has this token.');
      if (payment.state !== 'CREATED') {
        throw new ApiError(404, `The payment is ${payment.state}; its QR code is no longer valid.`);
      }
      const own = payment.details.qrFormat;
      const chosen: QrImageFormat =
        (format as QrImageFormat | undefined) ?? (own?.format === 'IMAGE/PNG' ? 'png' : 'svg');
      const url = `${deps.publicBaseUrl()}/landing?token=${encodeURIComponent(token)}`;
      const merchant = customer.merchant(payment.msn);
      const brand = merchant.brand === 'VIPPS' ? 'Vipps' : 'MobilePay';
      const image = await qrImage(
        url,
        chosen,
        pixels ?? own?.size ?? QR_SIZE.default,
        `Pay ${money('en', payment.currency, payment.value)} to ${merchant.name} with ${brand}`,
      );
      return reply.header('cache-control', 'no-store').type(image.contentType).send(image.body);
    },
  );
}
