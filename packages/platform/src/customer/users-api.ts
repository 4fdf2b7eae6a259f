import { ProblemSchema } from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import { body, json, phoneParams } from './api-replies.js';
import type { CustomerRouteDeps } from './routes.js';
import {
  NewTestUserSchema,
  TestUserChangesSchema,
  TestUserSchema,
  type NewTestUser,
  type TestUserChanges,
} from './test-users.js';

/**
 * The test users API: `GET /betal/users`, `GET/PATCH/DELETE /betal/users/{phoneNumber}`, `POST /betal/users`
 * (`nin` and `customerToken` only for the admin; outside dev mode changes need the admin token).
 */
export function usersApiRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customer, access } = deps;
  const userTags = ['Test users'];

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
      json(request, reply, async () =>
        access.userFor(request, await customer.user(request.params.phoneNumber)),
      ),
  );

  app.post(
    '/betal/users',
    {
      schema: {
        tags: userTags,
        summary: 'Create a test user',
        body: NewTestUserSchema,
        response: { 201: TestUserSchema, 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        request,
        reply,
        async () => {
          access.requireAdminOutsideDev(request);
          const { pin, ...input } = body<NewTestUser>(request, NewTestUserSchema);
          const user = await customer.createUser(input);
          await access.setPin(user.phoneNumber, pin);
          return access.userFor(request, user);
        },
        201,
      ),
  );

  app.patch<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'Change a test user',
        params: phoneParams,
        body: TestUserChangesSchema,
        response: { 200: TestUserSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireAdminOutsideDev(request);
        const { pin, ...changes } = body<TestUserChanges>(request, TestUserChangesSchema);
        const user = await customer.updateUser(request.params.phoneNumber, changes);
        if (pin !== undefined) await access.setPin(user.phoneNumber, pin);
        return access.userFor(request, user);
      }),
  );

  app.delete<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'Delete a test user (their payments stay)',
        params: phoneParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        request,
        reply,
        async () => {
          access.requireAdminOutsideDev(request);
          await customer.deleteUser(request.params.phoneNumber);
          await access.setPin(request.params.phoneNumber, undefined);
        },
        204,
      ),
  );
}
