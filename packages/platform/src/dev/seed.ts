import type { SalesUnit } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';

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

function user(
  phoneNumber: string,
  givenName: string,
  familyName: string,
  market: TestUser['market'],
  address: TestUser['address'],
  birthDate: string,
  nin: string,
  extra: Partial<TestUser> = {},
): TestUser {
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
  user(
    '4712345678',
    'Kari',
    'Nordmann',
    'NO',
    { streetAddress: 'Storgata 1', postalCode: '0155', city: 'Oslo', country: 'NO' },
    '1985-04-12',
    '12048512345',
  ),
  user(
    '4791234567',
    'Ola',
    'Hansen',
    'NO',
    { streetAddress: 'Bryggen 7', postalCode: '5003', city: 'Bergen', country: 'NO' },
    '1990-11-30',
    '30119012345',
  ),
  user(
    '4796574209',
    'Ingrid',
    'Berg',
    'NO',
    { streetAddress: 'Munkegata 12', postalCode: '7011', city: 'Trondheim', country: 'NO' },
    '1978-02-03',
    '03027812345',
  ),
  user(
    '4512345678',
    'Mette',
    'Jensen',
    'DK',
    { streetAddress: 'Vesterbrogade 10', postalCode: '1620', city: 'København V', country: 'DK' },
    '1988-07-21',
    '21078812345',
  ),
  user(
    '358401234567',
    'Aino',
    'Virtanen',
    'FI',
    { streetAddress: 'Mannerheimintie 5', postalCode: '00100', city: 'Helsinki', country: 'FI' },
    '1995-09-15',
    '15099512345',
  ),
  user(
    '4790000013',
    'Emil',
    'Lund',
    'NO',
    { streetAddress: 'Skolegata 3', postalCode: '4006', city: 'Stavanger', country: 'NO' },
    '2013-05-05',
    '05051312345',
    { canPayBusinesses: false },
  ),
];
