import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  CURRENCIES,
  EPAYMENT_WEBHOOK_EVENTS,
  MARKETS,
  MSN_PATTERN,
  StringEnum,
  WEBHOOK_EVENTS,
  webhookLimitFor,
  type WebhookEvent,
} from '@betal/contract';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { Clock } from '../clock.js';
import { NewTestUserSchema, newTestUser } from '../customer/test-users.js';
import { checkWebhookUrl } from '../apis/webhooks/service.js';
import type { WebhookService } from '../delivery/service.js';
import { FieldError } from '../domain/errors.js';
import type { SalesUnit } from '../domain/sales-unit.js';
import type { Storage } from '../storage/ports.js';
import type { SalesUnitDirectory } from './directory.js';

const SeedWebhookFields = {
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'Where the deliveries go.' }),
  events: Type.Optional(
    Type.Array(StringEnum(WEBHOOK_EVENTS), {
      minItems: 1,
      description: 'Default: every ePayment event (epayments.payment.*.v1).',
    }),
  ),
  secret: Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: 512,
      description:
        'A fixed secret (so that a receiver can be configured ahead); default a random one, printed.',
    }),
  ),
};

const SeedMerchantSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    market: StringEnum(MARKETS),
    currency: Type.Optional(StringEnum(CURRENCIES)),
    msn: Type.Optional(
      Type.String({ pattern: MSN_PATTERN, description: 'A fixed MSN; default a fresh one.' }),
    ),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    subscriptionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    capabilities: Type.Optional(
      Type.Object(
        {
          pushMessage: Type.Optional(Type.Boolean()),
          longLiving: Type.Optional(Type.Boolean()),
          nin: Type.Optional(Type.Boolean()),
          partialCapture: Type.Optional(Type.Boolean()),
          lateCapture: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    webhooks: Type.Optional(Type.Array(Type.Object(SeedWebhookFields, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

const SeedUserSchema = Type.Omit(NewTestUserSchema, ['pin'], { additionalProperties: false });

/**
 * A seed file (`betal start --seed FILE`, JSON or YAML): sales units (with their webhook registrations), test
 * users, and webhook registrations for sales units that exist already (the dev ones: `msn` required there).
 */
export const SeedSchema = Type.Object(
  {
    merchants: Type.Optional(Type.Array(SeedMerchantSchema)),
    testUsers: Type.Optional(Type.Array(SeedUserSchema)),
    webhooks: Type.Optional(
      Type.Array(
        Type.Object(
          { msn: Type.String({ pattern: MSN_PATTERN }), ...SeedWebhookFields },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/** A valid seed (see {@link SeedSchema}). */
export type Seed = Static<typeof SeedSchema>;

/** A seed that cannot be used: each problem names the path of the field at fault, e.g. `merchants[1].market`. */
export class SeedError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'SeedError';
  }
}

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;
const checkSeed = addFormats(new Ajv({ allErrors: true, strict: false })).compile<Seed>(SeedSchema);

/** `/merchants/0/market` → `merchants[0].market`. */
function pathOf(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let path = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  }
  return path || '(the seed)';
}

function problemOf(error: ErrorObject): string {
  const params = error.params as {
    missingProperty?: string;
    additionalProperty?: string;
    allowedValues?: unknown[];
  };
  if (error.keyword === 'required')
    return `${pathOf(error.instancePath, params.missingProperty)}: is required`;
  if (error.keyword === 'additionalProperties') {
    return `${pathOf(error.instancePath, params.additionalProperty)}: is not a field of the seed here`;
  }
  if (error.keyword === 'enum') {
    return `${pathOf(error.instancePath)}: must be one of ${(params.allowedValues ?? []).join(', ')}`;
  }
  return `${pathOf(error.instancePath)}: ${error.message ?? 'is not valid'}`;
}

/**
 * Checks a parsed seed against {@link SeedSchema} and the rules across fields (a currency for Sweden, an MSN
 * given once); answers it typed, or throws SeedError listing every problem with its path.
 */
export function validateSeed(value: unknown, file: string): Seed {
  if (value === null || value === undefined) return {};
  if (!checkSeed(value)) {
    const problems = [...new Set((checkSeed.errors ?? []).map(problemOf))];
    throw new SeedError(file, problems);
  }
  const problems: string[] = [];
  const msns = new Map<string, number>();
  (value.merchants ?? []).forEach((m, i) => {
    if (m.market === 'SE' && m.currency === undefined) {
      problems.push(`merchants[${i}].currency: is required for market SE (NOK, DKK or EUR)`);
    }
    if (m.msn !== undefined) {
      const first = msns.get(m.msn);
      if (first !== undefined) problems.push(`merchants[${i}].msn: ${m.msn} is also merchants[${first}].msn`);
      else msns.set(m.msn, i);
    }
  });
  const phones = new Map<string, number>();
  (value.testUsers ?? []).forEach((u, i) => {
    const first = phones.get(u.phoneNumber);
    if (first !== undefined) {
      problems.push(`testUsers[${i}].phoneNumber: ${u.phoneNumber} is also testUsers[${first}].phoneNumber`);
    } else phones.set(u.phoneNumber, i);
  });
  if (problems.length) throw new SeedError(file, problems);
  return value;
}

/**
 * Parses a seed's text: JSON for a `.json` file, YAML otherwise (YAML reads JSON too), then {@link validateSeed}.
 * Throws SeedError for text that does not parse (with the parser's line) or a seed that is not valid.
 */
export function parseSeed(text: string, file: string): Seed {
  let value: unknown;
  try {
    value = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SeedError(file, [`does not parse: ${(error as Error).message.split('\n')[0]}`]);
  }
  return validateSeed(value, file);
}

/** Reads and parses a seed file ({@link parseSeed}); SeedError when it cannot be read. */
export async function readSeedFile(file: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SeedError(file, [
      `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    ]);
  }
  return parseSeed(text, file);
}

/** What applying a seed made: the sales units (with credentials), the test users and the registrations. */
export interface SeedOutcome {
  merchants: SalesUnit[];
  testUsers: string[];
  /** `secret` is there when the registration was made now or the seed fixed it; `kept` when it existed already. */
  webhooks: Array<{ msn: string; id: string; url: string; events: string[]; secret?: string; kept: boolean }>;
}

/** What {@link applySeed} works with. */
export interface SeedDeps {
  store: Storage;
  directory: SalesUnitDirectory;
  webhooks: WebhookService;
  clock: Clock;
  devMode: boolean;
  allowHosts?: readonly string[];
}

const MARKET_CURRENCY = { NO: 'NOK', DK: 'DKK', FI: 'EUR' } as const;

/** A registration of the seed: where, for which events, with which secret (default a fresh one). */
type SeedHook = { url: string; events?: WebhookEvent[]; secret?: string };

function freshMsn(directory: SalesUnitDirectory): string {
  let msn: string;
  do msn = String(randomInt(100_000, 1_000_000));
  while (directory.byMsn(msn));
  return msn;
}

/**
 * Creates the seed's world in the platform, so that a restart or a reset changes nothing: a merchant is matched by
 * its `msn` (or, without one, by name) and updated, else created with fresh credentials where none are fixed; a
 * test user is created or replaced (defaults as `POST /betal/users`); a webhook registration is kept when one with
 * the same URL and events is live on that MSN (with the seed's secret, when it fixes one), else registered (with
 * the seed's secret, or a fresh one answered here). Throws SeedError naming the path (an MSN of `webhooks` that no
 * sales unit has, a client id or subscription key that is another unit's, a URL the Webhooks API refuses, a birth
 * date in the future).
 */
export async function applySeed(seed: Seed, file: string, deps: SeedDeps): Promise<SeedOutcome> {
  const { directory, store } = deps;
  const outcome: SeedOutcome = { merchants: [], testUsers: [], webhooks: [] };
  const registrations: Array<{ path: string; msn: string; hook: SeedHook }> = [];

  for (const [i, m] of (seed.merchants ?? []).entries()) {
    const path = `merchants[${i}]`;
    const existing =
      m.msn !== undefined ? directory.byMsn(m.msn) : directory.list().find((u) => u.name === m.name);
    const msn = m.msn ?? existing?.msn ?? freshMsn(directory);
    const caps = m.capabilities ?? {};
    const unit: SalesUnit = {
      msn,
      name: m.name,
      market: m.market,
      currency: m.currency ?? (MARKET_CURRENCY as Record<string, SalesUnit['currency']>)[m.market]!,
      clientId: m.clientId ?? existing?.clientId ?? randomUUID(),
      clientSecret: m.clientSecret ?? existing?.clientSecret ?? randomBytes(24).toString('base64url'),
      subscriptionKeys: m.subscriptionKey
        ? [
            m.subscriptionKey,
            ...(existing?.subscriptionKeys.filter((k) => k !== m.subscriptionKey).slice(1, 2) ?? []),
          ]
        : (existing?.subscriptionKeys ?? [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')]),
      capabilities: {
        pushMessage: caps.pushMessage ?? false,
        longLiving: caps.longLiving ?? false,
        ninScope: caps.nin ?? false,
        fullCaptureOnly: !(caps.partialCapture ?? true),
        maxLongLivingDays: 60,
        lateCapture: caps.lateCapture ?? false,
      },
    };
    if (unit.subscriptionKeys.length < 2) unit.subscriptionKeys.push(randomBytes(16).toString('hex'));
    for (const other of directory.list()) {
      if (other.msn === msn) continue;
      if (other.clientId === unit.clientId) {
        throw new SeedError(file, [`${path}.clientId: already belongs to MSN ${other.msn}`]);
      }
      if (unit.subscriptionKeys.some((k) => other.subscriptionKeys.includes(k))) {
        throw new SeedError(file, [`${path}.subscriptionKey: already belongs to MSN ${other.msn}`]);
      }
    }
    await directory.save(unit);
    outcome.merchants.push(unit);
    for (const [j, hook] of (m.webhooks ?? []).entries()) {
      registrations.push({ path: `${path}.webhooks[${j}]`, msn, hook });
    }
  }

  for (const [i, u] of (seed.testUsers ?? []).entries()) {
    try {
      await store.saveUser(newTestUser(u, deps.clock.now()));
    } catch (error) {
      if (error instanceof FieldError)
        throw new SeedError(file, [`testUsers[${i}].${error.field}: ${error.reason}`]);
      throw error;
    }
    outcome.testUsers.push(u.phoneNumber);
  }

  for (const [i, { msn, ...hook }] of (seed.webhooks ?? []).entries()) {
    if (!directory.byMsn(msn))
      throw new SeedError(file, [`webhooks[${i}].msn: no sales unit has MSN ${msn}`]);
    registrations.push({ path: `webhooks[${i}]`, msn, hook });
  }

  let registeredDirectly = false;
  for (const { path, msn, hook } of registrations) {
    const events = [...new Set(hook.events ?? EPAYMENT_WEBHOOK_EVENTS)];
    let url: URL;
    try {
      url = checkWebhookUrl(hook.url, deps.devMode, [], deps.allowHosts ?? []);
    } catch (error) {
      if (error instanceof FieldError) throw new SeedError(file, [`${path}.url: ${error.reason}`]);
      throw error;
    }
    const same = (await store.webhooks.listRegistrations(msn)).find(
      (w) =>
        w.url === url.href &&
        w.events.length === events.length &&
        events.every((e) => w.events.includes(e)) &&
        (hook.secret === undefined || w.secret === hook.secret),
    );
    if (same) {
      outcome.webhooks.push({
        msn,
        id: same.id,
        url: same.url,
        events,
        ...(hook.secret !== undefined ? { secret: same.secret } : {}),
        kept: true,
      });
      continue;
    }
    if (hook.secret === undefined) {
      try {
        const made = await deps.webhooks.register(msn, { url: url.href, events }, []);
        outcome.webhooks.push({ msn, id: made.id, url: url.href, events, secret: made.secret, kept: false });
      } catch (error) {
        if (error instanceof FieldError)
          throw new SeedError(file, [`${path}.${error.field}: ${error.reason}`]);
        throw error;
      }
      continue;
    }
    // A fixed secret: the registration is written as the Webhooks API would, with the seed's secret.
    const id = randomUUID();
    const registered = await store.webhooks.register(
      {
        id,
        msn,
        url: url.href,
        events,
        secret: hook.secret,
        createdAt: deps.clock.now(),
        fromSeq: await store.latestEventSeq(),
        failingSince: null,
        deletedAt: null,
        deletedReason: null,
      },
      (event) => webhookLimitFor(event as WebhookEvent),
    );
    if (!registered.ok)
      throw new SeedError(file, [`${path}.events: too many registrations for ${registered.event}`]);
    registeredDirectly = true;
    outcome.webhooks.push({ msn, id, url: url.href, events, secret: hook.secret, kept: false });
  }
  if (registeredDirectly) deps.webhooks.forget();
  return outcome;
}
