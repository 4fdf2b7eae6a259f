import type { FastifyInstance } from 'fastify';
import { ApiError } from '../kernel/errors.js';
import type { OrderManagementService } from '../apis/order-management/service.js';

/**
 * `GET /betal/images/{msn}/{imageId}`: an image uploaded over Order Management (contract 6), as the customer
 * app loads it; open (no admin token), cached for a year (`immutable`), 404 naming `imageId` for an unknown one.
 */
export async function betalImageRoutes(
  app: FastifyInstance,
  { orders }: { orders: OrderManagementService },
): Promise<void> {
  app.get<{ Params: { msn: string; '*': string } }>(
    '/betal/images/:msn/*',
    {
      schema: {
        tags: ['Betal platform'],
        summary: 'An uploaded Order Management image, as the customer app loads it',
      },
    },
    async (request, reply) => {
      const image = await orders.image(request.params.msn, request.params['*']);
      if (!image) {
        throw new ApiError(404, 'No such image.', {
          fields: [{ name: 'imageId', reason: 'Image not found.' }],
        });
      }
      return reply
        .code(200)
        .type(image.mediaType)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(image.bytes);
    },
  );
}
