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

/** `betal merchants list`: the sales units and their credentials (`GET /betal/merchants`, dev mode). */
export function registerMerchants(program: Command, io: Io = processIo()): void {
  const merchants = program.command('merchants').description("the platform's sales units");
  verb(
    merchants.command('list').description('list the sales units and their credentials (dev mode)'),
    io,
    'betal merchants list\nbetal merchants list --json',
    async ({ http }) => {
      const answer = await http.betal<{ merchants: MerchantView[] }>('GET', '/betal/merchants');
      return {
        json: answer,
        text: formatTable(
          ['MSN', 'NAME', 'MARKET', 'CURRENCY', 'CLIENT ID', 'CLIENT SECRET', 'SUBSCRIPTION KEY'],
          answer.merchants.map((m) => [
            m.msn,
            m.name,
            m.market,
            m.currency,
            m.clientId,
            m.clientSecret,
            m.subscriptionKeys[0],
          ]),
        ),
      };
    },
  );
}
