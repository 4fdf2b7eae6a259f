import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SnapshotService } from '../services/snapshots.js';
import { readBodiesBySchema } from '../http/body.js';

const NewSnapshotSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description:
        'The snapshot\'s name: letters, digits, ".", "_" and "-". A snapshot of that name is replaced.',
      examples: ['before-checkout-suite'],
    }),
  },
  { additionalProperties: false },
);

/**
 * `/betal/snapshots` (issue #13 item 2): save the whole state under a name (201 with `{name, createdAt, bytes,
 * counts}`), list them (`{snapshots: [...]}`, oldest first), restore one (200 with it) and delete one (204).
 * Unknown names are 404 and bad names 400, in the `/betal` Problem shape. Outside dev mode the admin guard
 * (the admin part of internal/index.ts) lets only the admin token through.
 */
export async function betalSnapshotRoutes(
  app: FastifyInstance,
  deps: { snapshots: SnapshotService },
): Promise<void> {
  const tags = ['Betal platform'];
  readBodiesBySchema(app, 'refuse');

  app.post<{ Body: { name: string } }>(
    '/betal/snapshots',
    {
      schema: {
        tags,
        summary:
          'Save the whole state (payments, events, webhooks and deliveries, Order Management, inbox, consents, test users, sales units, settings, the clock) under a name (admin)',
        body: NewSnapshotSchema,
      },
    },
    async (request, reply) => reply.code(201).send(await deps.snapshots.save(request.body.name)),
  );

  app.get(
    '/betal/snapshots',
    { schema: { tags, summary: 'The snapshots, oldest first, with their size and row counts (admin)' } },
    async () => ({ snapshots: await deps.snapshots.list() }),
  );

  app.post<{ Params: { name: string } }>(
    '/betal/snapshots/:name/restore',
    {
      config: { bodyOptional: true },
      schema: {
        tags,
        summary:
          'Put the saved state back exactly, the clock included; sessions and rate-limit windows are forgotten (admin)',
      },
    },
    async (request) => deps.snapshots.restore(request.params.name),
  );

  app.delete<{ Params: { name: string } }>(
    '/betal/snapshots/:name',
    { schema: { tags, summary: 'Delete a snapshot (admin)' } },
    async (request, reply) => {
      await deps.snapshots.delete(request.params.name);
      return reply.code(204).send();
    },
  );
}
