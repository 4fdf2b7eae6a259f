import type { SalesUnit } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PlatformStore } from '../storage/ports.js';

/**
 * The dev merchants created on first start in dev mode. MSN 123456 (NOK, Vipps) has every capability; MSN
 * 654321 (DKK, MobilePay) has the defaults of a new sales unit: no PUSH_MESSAGE, no long-living, no nin.
 */
export const DEV_SALES_UNITS: readonly SalesUnit[] = [
  {
    msn: '123456',
    name: 'Betal Dev Shop',
    market: 'NO',
    currency: 'NOK',
    clientId: 'dev-client-id',
    clientSecret: 'dev-client-secret',
    subscriptionKeys: ['dev-subscription-key', 'dev-subscription-key-secondary'],
    capabilities: {
      pushMessage: true,
      longLiving: true,
      ninScope: true,
      fullCaptureOnly: false,
      maxLongLivingDays: 60,
    },
  },
  {
    msn: '654321',
    name: 'Betal Dev Butik',
    market: 'DK',
    currency: 'DKK',
    clientId: 'dev2-client-id',
    clientSecret: 'dev2-client-secret',
    subscriptionKeys: ['dev2-subscription-key', 'dev2-subscription-key-secondary'],
    capabilities: {
      pushMessage: false,
      longLiving: false,
      ninScope: false,
      fullCaptureOnly: false,
      maxLongLivingDays: 60,
    },
  },
];

/** What sets one dev test user apart; {@link user} derives the rest. */
type DevUser = Pick<
  TestUser,
  'phoneNumber' | 'givenName' | 'familyName' | 'market' | 'address' | 'birthDate' | 'nin'
> & {
  /** Fields to set otherwise than the defaults (e.g. `canPayBusinesses: false`). */
  extra?: Partial<TestUser>;
};

/**
 * A dev test user: its full name and e-mail address from the given and family names, a customer token from the
 * number; may pay businesses and has the app installed unless `extra` says otherwise.
 */
function user({
  phoneNumber,
  givenName,
  familyName,
  market,
  address,
  birthDate,
  nin,
  extra = {},
}: DevUser): TestUser {
  return {
    phoneNumber,
    name: `${givenName} ${familyName}`,
    givenName,
    familyName,
    email: `${givenName}.${familyName}@example.com`.toLowerCase(),
    address,
    birthDate,
    nin,
    market,
    canPayBusinesses: true,
    appInstalled: true,
    customerToken: `ct-${phoneNumber}`,
    ...extra,
  };
}

/**
 * The test users: every phone number of the seed documents (Norway), one Danish, one Finnish, and a 13-year-old
 * who may not pay businesses (for the refusal paths). Fictional people at fictional addresses.
 */
export const DEV_TEST_USERS: readonly TestUser[] = [
  user({
    phoneNumber: '4712345678',
    givenName: 'Kari',
    familyName: 'Nordmann',
    market: 'NO',
    address: { streetAddress: 'Storgata 1', postalCode: '0155', city: 'Oslo', country: 'NO' },
    birthDate: '1985-04-12',
    nin: '12048512345',
  }),
  user({
    phoneNumber: '4791234567',
    givenName: 'Ola',
    familyName: 'Hansen',
    market: 'NO',
    address: { streetAddress: 'Bryggen 7', postalCode: '5003', city: 'Bergen', country: 'NO' },
    birthDate: '1990-11-30',
    nin: '30119012345',
  }),
  user({
    phoneNumber: '4796574209',
    givenName: 'Ingrid',
    familyName: 'Berg',
    market: 'NO',
    address: { streetAddress: 'Munkegata 12', postalCode: '7011', city: 'Trondheim', country: 'NO' },
    birthDate: '1978-02-03',
    nin: '03027812345',
  }),
  user({
    phoneNumber: '4512345678',
    givenName: 'Mette',
    familyName: 'Jensen',
    market: 'DK',
    address: { streetAddress: 'Vesterbrogade 10', postalCode: '1620', city: 'København V', country: 'DK' },
    birthDate: '1988-07-21',
    nin: '21078812345',
  }),
  user({
    phoneNumber: '358401234567',
    givenName: 'Aino',
    familyName: 'Virtanen',
    market: 'FI',
    address: { streetAddress: 'Mannerheimintie 5', postalCode: '00100', city: 'Helsinki', country: 'FI' },
    birthDate: '1995-09-15',
    nin: '15099512345',
  }),
  user({
    phoneNumber: '4790000013',
    givenName: 'Emil',
    familyName: 'Lund',
    market: 'NO',
    address: { streetAddress: 'Skolegata 3', postalCode: '4006', city: 'Stavanger', country: 'NO' },
    birthDate: '2013-05-05',
    nin: '05051312345',
    extra: { canPayBusinesses: false },
  }),
];

/**
 * Creates the dev merchants and test users unless the store says it did before (the `dev_seeded` setting), leaving
 * a unit or user that exists already as it is. Resolves true when it created them now (a first start).
 */
export async function seedDevData(store: PlatformStore, directory: SalesUnitDirectory): Promise<boolean> {
  if (await store.getSetting('dev_seeded')) return false;
  for (const unit of DEV_SALES_UNITS) if (!directory.byMsn(unit.msn)) await directory.save(unit);
  for (const user of DEV_TEST_USERS)
    if (!(await store.findUser(user.phoneNumber))) await store.saveUser(user);
  await store.setSetting('dev_seeded', new Date().toISOString());
  return true;
}
