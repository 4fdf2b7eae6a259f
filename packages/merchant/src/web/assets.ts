import { loadWebAssets, webAssetResponse } from '@betal/contract/web-assets';
import type { FastifyInstance } from 'fastify';

/**
 * The merchant pages' stylesheet and script at `/assets/merchant.css` and `/assets/merchant.js`: the files of
 * `./static/`, read once, with an ETag and `Cache-Control: no-cache`. The script keeps status badges live (see
 * static/merchant.js); pages work without it.
 */
export function assetRoutes(app: FastifyInstance): void {
  // Every page links /assets/favicon.svg; a browser that asks for /favicon.ico anyway is sent there.
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/assets/favicon.svg', 301));
  for (const [name, asset] of loadWebAssets(new URL('./static/', import.meta.url))) {
    app.get(`/assets/${name}`, async (request, reply) => {
      const answer = webAssetResponse(asset, request.headers['if-none-match']);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }
}
