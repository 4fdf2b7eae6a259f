import { loadWebAssets, webAssetResponse } from '@betal/contract/web-assets';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../kernel/errors.js';
import { ASSETS, FAVICON } from './pages.js';

/**
 * The stylesheet and scripts of the customer's pages at `/customer-assets/{file}`: the files of `./web/`
 * (customer.css, favicon.svg, and common.js, landing.js, app.js, users.js, sign-in.js, checked by tsc as browser scripts),
 * read once, with an ETag and `Cache-Control: no-cache`. The pages' CSP allows scripts and styles from 'self' only.
 */
export async function customerAssets(app: FastifyInstance): Promise<void> {
  const assets = loadWebAssets(new URL('./web/', import.meta.url));
  // Every page links FAVICON; a browser that asks for /favicon.ico anyway is sent there.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(FAVICON, 301),
  );
  app.get<{ Params: { file: string } }>(
    `${ASSETS}/:file`,
    {
      schema: {
        tags: ['Customer pages'],
        summary: 'Stylesheet and scripts of the customer pages',
        hide: true,
      },
    },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) throw new ApiError(404, `No asset ${request.params.file.slice(0, 60)}.`);
      const answer = webAssetResponse(asset, request.headers['if-none-match']);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
  );
}
