import type { FastifyInstance } from 'fastify';
import { BadWebhookError, readWebhookEvent } from '../services/payments.js';
import type { WebContext } from './context.js';

/** The path of the merchant's webhook receiver; registered at start as `<public URL>/webhooks/vipps`. */
export const WEBHOOK_PATH = '/webhooks/vipps';

/**
 * The webhook receiver (contract 4.3-4.5): verifies the signature over the raw body (401 when it fails), reads
 * the ePayment payload (400 when it is not one), processes each event once (duplicates and events of unknown
 * payments are acknowledged with 200, so the platform stops retrying them) and answers fast: the follow-ups run
 * after the answer.
 */
export async function webhookRoute(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.post(WEBHOOK_PATH, async (request, reply) => {
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const verdict = await ctx.registrar.verify({
      method: request.method,
      pathAndQuery: request.url,
      headers: request.headers,
      body: rawBody,
    });
    if (!verdict.ok) {
      request.log.warn({ reason: verdict.reason }, 'refused a webhook');
      return reply.code(401).send({ error: verdict.reason, message: verdict.message });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      return reply.code(400).send({ error: 'invalid-json', message: 'The body is not JSON.' });
    }
    try {
      const event = readWebhookEvent(parsed);
      const outcome = await ctx.payments.applyWebhook(event, rawBody);
      request.log.info({ reference: event.reference, name: event.name, outcome }, 'webhook');
      return reply.code(200).send({ outcome });
    } catch (error) {
      if (error instanceof BadWebhookError)
        return reply.code(400).send({ error: 'invalid-payload', message: error.message });
      throw error;
    }
  });
}
