import { Command } from 'commander';
import { processIo, type Io } from './io.js';
import { formatTable } from './table.js';
import { verb } from './verb.js';

/** A sales unit as `GET /betal/merchants` lists it (dev mode), the fields shown. */
export interface MerchantView {
  msn: string;
  name: string;
  market: string;
  currency: string;
  clientId: string;
  clientSecret: string;
  subscriptionKeys: string[];
  [field: string]: unknown;
}

/** The options of `betal merchants create`, as commander reads them. */
interface CreateOptions {
  name: string;
  market: string;
  currency?: string;
  pushMessage?: boolean;
  longLiving?: boolean;
  nin?: boolean;
  lateCapture?: boolean;
  partialCapture: boolean;
}

const MERCHANT_COLUMNS = [
  'MSN',
  'NAME',
  'MARKET',
  'CURRENCY',
  'CLIENT ID',
  'CLIENT SECRET',
  'SUBSCRIPTION KEY',
];
const merchantRow = (m: MerchantView) => [
  m.msn,
  m.name,
  m.market,
  m.currency,
  m.clientId,
  m.clientSecret,
  m.subscriptionKeys[0],
];

/**
 * `betal merchants list|create|delete`: the sales units and their credentials (`GET /betal/merchants`, dev mode),
 * a sandbox of one's own (`POST /betal/merchants`: 201 with fresh MSN and credentials; a bad field is the
 * platform's 400 naming it, exit status 1) and deleting one with all its data (`DELETE /betal/merchants/{msn}`,
 * 204; an unknown MSN is 404). Issue #13, item 1.
 */
export function registerMerchants(program: Command, io: Io = processIo()): void {
  const merchants = program.command('merchants').description("the platform's sales units");
  verb<CreateOptions>(
    merchants
      .command('create')
      .description('create a sandbox sales unit with fresh credentials')
      .requiredOption('--name <name>', "the sales unit's name, as the customer's app shows it")
      .requiredOption('--market <market>', 'NO, SE, DK or FI')
      .option('--currency <currency>', "NOK, DKK or EUR (default: the market's; required for SE)")
      .option('--push-message', 'may send payment requests straight to the app (PUSH_MESSAGE)')
      .option('--long-living', 'may make long-living payment requests')
      .option('--nin', 'may ask for the national identity number')
      .option('--late-capture', 'may capture late')
      .option('--no-partial-capture', 'full capture only'),
    io,
    'betal merchants create --name "My Suite Shop" --market NO --push-message\nbetal merchants create --name Butik --market DK --json',
    async ({ http }, _args, opts) => {
      const created = await http.betal<MerchantView>('POST', '/betal/merchants', {
        name: opts.name,
        market: opts.market,
        ...(opts.currency !== undefined ? { currency: opts.currency } : {}),
        capabilities: {
          pushMessage: opts.pushMessage === true,
          longLiving: opts.longLiving === true,
          nin: opts.nin === true,
          lateCapture: opts.lateCapture === true,
          partialCapture: opts.partialCapture,
        },
      });
      return { json: created, text: formatTable(MERCHANT_COLUMNS, [merchantRow(created)]) };
    },
  );
  verb(
    merchants.command('delete <msn>').description('delete a sales unit and all its data'),
    io,
    'betal merchants delete 482913',
    async ({ http }, [msn]) => {
      await http.betal('DELETE', `/betal/merchants/${encodeURIComponent(msn!)}`);
      return { json: { deleted: msn }, text: `deleted sales unit ${msn} and all its data` };
    },
  );
  verb(
    merchants.command('list').description('list the sales units and their credentials (dev mode)'),
    io,
    'betal merchants list\nbetal merchants list --json',
    async ({ http }) => {
      const answer = await http.betal<{ merchants: MerchantView[] }>('GET', '/betal/merchants');
      return {
        json: answer,
        text: formatTable(MERCHANT_COLUMNS, answer.merchants.map(merchantRow)),
      };
    },
  );
}
