import { loadWebAssets, webAssetResponse } from '@betal/contract/web-assets';
import type { FastifyInstance } from 'fastify';

/** Where the dashboard's pages (/betal/dashboard and /betal/dashboard/webhooks) find their one stylesheet. */
export const DASHBOARD_STYLESHEET = '/betal/dashboard/dashboard.css';

/**
 * Serves `src/web/dashboard.css` at {@link DASHBOARD_STYLESHEET}, with an ETag and `Cache-Control: no-cache`.
 * Under /betal, like the pages: outside dev mode the admin guard asks for the token (the browser sends the
 * `betal_admin` cookie with it).
 */
export function dashboardStyleRoute(app: FastifyInstance): void {
  const asset = loadWebAssets(new URL('../web/', import.meta.url)).get('dashboard.css');
  if (!asset) throw new Error('The dashboard stylesheet is missing (run npm run build).');
  app.get(DASHBOARD_STYLESHEET, { schema: { hide: true } }, async (request, reply) => {
    const answer = webAssetResponse(asset, request.headers['if-none-match']);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
}
