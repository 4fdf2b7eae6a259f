import type { FastifyInstance, FastifyReply } from 'fastify';
import { CustomerFlowError } from '../domain/customer-flow.js';
import type { CustomerService } from '../services/customer.js';
import { phoneParams } from './api-replies.js';
import { LANGUAGES, translator, type Language } from './i18n.js';
import { cookies, languageAndSource, languageOf, redirect, sendPage } from './page-replies.js';
import { appPage, chooserPage, landingPage, notFoundPage, signInPage, userFormPage } from './pages.js';
import type { CustomerRouteDeps } from './routes.js';

const MOBILE = /Mobi|Android|iPhone|iPad|iPod/i;
const APP_USER_COOKIE = 'betal_app_user';
const pageTags = ['Customer pages'];

/** The test user of a phone number, or undefined when the number is malformed or unknown. */
async function knownUser(customer: CustomerService, phoneNumber: string) {
  try {
    return await customer.user(phoneNumber);
  } catch (error) {
    if (error instanceof CustomerFlowError && error.reason === 'UNKNOWN_USER') return undefined;
    throw error;
  }
}

/** The 404 page for a path naming no test user: it sends the customer to choose one. */
function sendNoSuchUser(reply: FastifyReply, lang: Language) {
  const t = translator(lang);
  return sendPage(reply, 404, notFoundPage(lang, t('app.chooseUser'), t('app.chooseUserText')));
}

/** The page for a test-user form outside dev mode without the admin token. */
function sendAdminOnly(reply: FastifyReply, lang: Language) {
  const t = translator(lang);
  return sendPage(reply, 403, notFoundPage(lang, t('signIn.adminOnly'), t('signIn.adminOnlyText')));
}

/**
 * The customer's pages (HTML): `/landing?token=` (the WEB_REDIRECT landing page), `/app` (choose a test user's
 * app), `/app/open?token=` (the NATIVE_REDIRECT app link), `/app/u/{phoneNumber}` (the user's app),
 * `/app/users/new` and `/app/users/{phoneNumber}/edit` (test users).
 */
export function customerPageRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customer, access } = deps;

  app.get<{ Querystring: { token?: string; lang?: string; web?: string; auto?: string } }>(
    '/landing',
    {
      schema: {
        tags: pageTags,
        summary: 'The landing page behind a WEB_REDIRECT redirectUrl (HTML)',
        description:
          'Phone number, remember me, language; then a waiting screen with a countdown; then returnUrl. A mobile browser goes straight to the app (add web=1 to stay).',
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string' },
            lang: { type: 'string', enum: [...LANGUAGES] },
            auto: { type: 'string' },
            web: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      const fallback = () => {
        const lang = languageAndSource(request, reply, undefined, LANGUAGES).language;
        const t = translator(lang);
        return sendPage(
          reply,
          token ? 404 : 400,
          notFoundPage(lang, t('notFound.title'), t('notFound.text')),
        );
      };
      if (!token) return fallback();
      let view;
      try {
        view = await customer.landing(token);
      } catch (error) {
        if (error instanceof CustomerFlowError && error.reason === 'UNKNOWN_PAYMENT') return fallback();
        throw error;
      }
      const mobile = MOBILE.test(request.headers['user-agent'] ?? '');
      if (mobile && request.query.web !== '1' && view.state === 'CREATED') {
        return redirect(reply, `/app/open?token=${encodeURIComponent(token)}`);
      }
      if ((view.state === 'AUTHORIZED' || view.state === 'ABORTED') && view.returnUrl) {
        return redirect(reply, view.returnUrl);
      }
      const { language: lang, source } = languageAndSource(request, reply, view.merchant.market, LANGUAGES);
      return sendPage(reply, 200, landingPage(view, lang, source));
    },
  );

  app.get<{ Querystring: { token?: string } }>(
    '/app/open',
    {
      schema: {
        tags: pageTags,
        summary:
          "The NATIVE_REDIRECT app link: opens the payment in the app of this browser's user (redirect)",
        querystring: { type: 'object', properties: { token: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      if (!token) {
        const lang = languageOf(request, reply);
        const t = translator(lang);
        return sendPage(reply, 400, notFoundPage(lang, t('notFound.title'), t('notFound.text')));
      }
      const phone = cookies(request)[APP_USER_COOKIE];
      const known = phone ? await knownUser(customer, phone) : undefined;
      const open = `open=${encodeURIComponent(token)}`;
      return redirect(reply, known ? `/app/u/${known.phoneNumber}?${open}` : `/app?${open}`);
    },
  );

  app.get<{ Querystring: { open?: string; lang?: string } }>(
    '/app',
    { schema: { tags: pageTags, summary: "The customer's app: choose a test user (HTML)" } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      return sendPage(
        reply,
        200,
        chooserPage(await customer.listUsers(), lang, deps.clock.now(), {
          openToken: request.query.open || undefined,
          manage: access.open || access.isAdmin(request),
        }),
      );
    },
  );

  app.get<{ Params: { phoneNumber: string }; Querystring: { open?: string; lang?: string } }>(
    '/app/u/:phoneNumber',
    { schema: { tags: pageTags, summary: "One test user's app (HTML)", params: phoneParams } },
    async (request, reply) => {
      const user = await knownUser(customer, request.params.phoneNumber);
      if (!user) return sendNoSuchUser(reply, languageOf(request, reply));
      // Chosen as on the landing page: a choice, the browser's languages, then the user's market.
      const lang = languageAndSource(request, reply, user.market, LANGUAGES).language;
      reply.header('set-cookie', `${APP_USER_COOKIE}=${user.phoneNumber}; Path=/; SameSite=Lax`);
      if (!access.mayOpenApp(request, user.phoneNumber)) {
        return sendPage(reply, 401, signInPage(user, lang, deps.clock.now()));
      }
      return sendPage(
        reply,
        200,
        appPage(user, lang, deps.clock.now(), {
          openToken: request.query.open || undefined,
          signedIn: access.sessionUser(request) === user.phoneNumber,
        }),
        {
          webView: true,
        },
      );
    },
  );

  app.get(
    '/app/users/new',
    { schema: { tags: pageTags, summary: 'Form: a new test user (HTML)' } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      if (!access.open && !access.isAdmin(request)) return sendAdminOnly(reply, lang);
      return sendPage(reply, 200, userFormPage(lang, deps.clock.now()));
    },
  );

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/users/:phoneNumber/edit',
    { schema: { tags: pageTags, summary: 'Form: edit or delete a test user (HTML)', params: phoneParams } },
    async (request, reply) => {
      const user = await knownUser(customer, request.params.phoneNumber);
      const lang = languageAndSource(request, reply, user?.market, LANGUAGES).language;
      if (!access.open && !access.isAdmin(request)) return sendAdminOnly(reply, lang);
      if (!user) return sendNoSuchUser(reply, lang);
      return sendPage(reply, 200, userFormPage(lang, deps.clock.now(), user));
    },
  );
}
