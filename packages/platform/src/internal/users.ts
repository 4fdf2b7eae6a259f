import { ProblemSchema } from '@betal/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { json, phoneParams } from '../customer/api-replies.js';
import type { CustomerRouteDeps } from '../customer/routes.js';
import {
  NewTestUserSchema,
  TestUserChangesSchema,
  TestUserSchema,
  type NewTestUser,
  type TestUserChanges,
} from '../customer/test-users.js';

/**
 * The test users API: `GET /betal/users`, `GET/PATCH/DELETE /betal/users/{phoneNumber}`, `POST /betal/users`
 * (`nin` and `customerToken` only for the admin; outside dev mode changes need the admin token, checked in a
 * preHandler before the body is read by the route's schema).
 */
export function usersApiRoutes(
  app: FastifyInstance,
  deps: Pick<CustomerRouteDeps, 'customer' | 'access'>,
): void {
  const { customer, access } = deps;
  const userTags = ['Test users'];
  /** The preHandler of a change: the admin's token outside dev mode (AccessRefused 401 ADMIN_ONLY). */
  const adminOutsideDev = async (request: FastifyRequest): Promise<void> =>
    access.requireAdminOutsideDev(request);

  app.get(
    '/betal/users',
    {
      schema: {
        tags: userTags,
        summary: 'Test users (nin and customerToken need the admin token, or dev mode without one)',
      },
    },
    async (request) => ({
      users: (await customer.listUsers()).map((user) => access.userFor(request, user)),
    }),
  );

  app.get<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'One test user',
        params: phoneParams,
        response: { 200: TestUserSchema, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(reply, async () => access.userFor(request, await customer.user(request.params.phoneNumber))),
  );

  app.post<{ Body: NewTestUser }>(
    '/betal/users',
    {
      preHandler: adminOutsideDev,
      schema: {
        tags: userTags,
        summary: 'Create a test user',
        body: NewTestUserSchema,
        response: { 201: TestUserSchema, 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        reply,
        async () => {
          const { pin, ...input } = request.body;
          const user = await customer.createUser(input);
          await access.setPin(user.phoneNumber, pin);
          return access.userFor(request, user);
        },
        201,
      ),
  );

  app.patch<{ Params: { phoneNumber: string }; Body: TestUserChanges }>(
    '/betal/users/:phoneNumber',
    {
      preHandler: adminOutsideDev,
      schema: {
        tags: userTags,
        summary: 'Change a test user',
        params: phoneParams,
        body: TestUserChangesSchema,
        response: { 200: TestUserSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(reply, async () => {
        const { pin, ...changes } = request.body;
        const user = await customer.updateUser(request.params.phoneNumber, changes);
        if (pin !== undefined) await access.setPin(user.phoneNumber, pin);
        return access.userFor(request, user);
      }),
  );

  app.delete<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      preHandler: adminOutsideDev,
      schema: {
        tags: userTags,
        summary: 'Delete a test user (their payments stay)',
        params: phoneParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        reply,
        async () => {
          await customer.deleteUser(request.params.phoneNumber);
          await access.setPin(request.params.phoneNumber, undefined);
        },
        204,
      ),
  );
}
