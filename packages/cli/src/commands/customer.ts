import { VerbError, type PlatformHttp } from './http.js';
import { readPayment } from './payment.js';

/** A payment request as the customer's app shows it (the fields the verbs read). */
interface RequestView {
  id: string;
  reference: string;
  merchant: { msn: string };
  state: string;
  stage: string;
}

interface RequestLists {
  requests: RequestView[];
  activities: RequestView[];
  history: RequestView[];
}

const app = (phone: string) => `/app/api/users/${encodeURIComponent(phone)}`;

/** The waiting request (in the app or under Activities) of this user for the payment, if any. */
async function waitingIn(
  http: PlatformHttp,
  phone: string,
  reference: string,
): Promise<RequestView | undefined> {
  const lists = await http.betal<RequestLists>('GET', `${app(phone)}/requests`);
  return [...lists.requests, ...lists.activities].find(
    (r) => r.reference === reference && r.merchant.msn === http.options.msn,
  );
}

/** The token of a payment's redirectUrl (`…?token=…`), the id of its request in the app. */
function tokenOf(redirectUrl: string | undefined): string | undefined {
  if (!redirectUrl) return undefined;
  try {
    return new URL(redirectUrl).searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds whose app a payment waits in, by its reference: `phone`'s app when given, else every test user's
 * (`GET /betal/users`). A payment still on its landing page is confirmed there for `phone` first (the landing
 * step), which puts it in that user's app. Fails with a reason when it cannot be found.
 */
export async function findRequest(
  http: PlatformHttp,
  reference: string,
  phone?: string,
): Promise<{ phone: string; request: RequestView }> {
  if (phone) {
    const request = await waitingIn(http, phone, reference);
    if (request) return { phone, request };
  } else {
    const { users } = await http.betal<{ users: Array<{ phoneNumber: string }> }>('GET', '/betal/users');
    for (const user of users) {
      const request = await waitingIn(http, user.phoneNumber, reference);
      if (request) return { phone: user.phoneNumber, request };
    }
  }
  const { payment } = await readPayment(http, reference);
  const token = tokenOf(payment.redirectUrl);
  if (payment.state !== 'CREATED') {
    throw new VerbError(`Payment ${reference} is ${payment.state}: it waits in no app any more.`);
  }
  if (!token) throw new VerbError(`Payment ${reference} is in no test user's app and has no landing page.`);
  if (!phone) {
    throw new VerbError(
      `Payment ${reference} is on its landing page, in no app yet: give --phone <number> to confirm a test user's number there first.`,
    );
  }
  await http.betal('POST', `/app/api/landing/${encodeURIComponent(token)}/confirm`, { phoneNumber: phone });
  const request = await waitingIn(http, phone, reference);
  if (!request) throw new VerbError(`Payment ${reference} did not reach the app of ${phone}.`);
  return { phone, request };
}

/** Rejects a payment in the app of the customer whose request it is (ABORTED); returns that customer's number. */
export async function rejectAsCustomer(
  http: PlatformHttp,
  reference: string,
  phone?: string,
): Promise<string> {
  const found = await findRequest(http, reference, phone);
  await http.betal('POST', `${app(found.phone)}/requests/${encodeURIComponent(found.request.id)}/reject`, {});
  return found.phone;
}
