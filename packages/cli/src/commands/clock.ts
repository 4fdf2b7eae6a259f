import { Command } from 'commander';
import { formatDuration, parseDuration } from './duration.js';
import { VerbError, type PlatformHttp } from './http.js';
import { processIo, type Io } from './io.js';
import { formatFields } from './table.js';
import { verb, type Outcome } from './verb.js';

/** The platform clock as `GET /betal/clock` answers (and `POST /betal/clock/advance`, with `expired`). */
export interface ClockView {
  now: string;
  offsetSeconds: number;
  frozen: boolean;
  expired?: number;
}

/** Moves the test clock forward by `seconds` (dev mode); overdue payments expire and due webhook retries go. */
export function advanceClock(http: PlatformHttp, seconds: number): Promise<ClockView> {
  return http.betal<ClockView>('POST', '/betal/clock/advance', { seconds });
}

function clockOutcome(clock: ClockView): Outcome {
  return {
    json: clock,
    text: formatFields([
      ['now', clock.now],
      ['offset', `${clock.offsetSeconds < 0 ? '-' : '+'}${formatDuration(Math.abs(clock.offsetSeconds))}`],
      ['frozen', clock.frozen ? 'yes' : 'no'],
      ['expired', clock.expired === undefined ? undefined : `${clock.expired} payment(s)`],
    ]),
  };
}

/** `betal clock` (show the platform clock) and `betal clock advance <duration>`. */
export function registerClock(program: Command, io: Io = processIo()): void {
  const clock = program.command('clock').description('show or move the platform clock');
  verb(
    clock.command('show', { isDefault: true }).description('show the platform clock (the default)'),
    io,
    'betal clock',
    async ({ http }) => clockOutcome(await http.betal<ClockView>('GET', '/betal/clock')),
  );
  verb(
    clock
      .command('advance <duration>')
      .description(
        'move the clock forward (dev mode): 90s, 10m, 2h, 2d, 1h30m or seconds; overdue payments expire',
      ),
    io,
    'betal clock advance 10m\nbetal clock advance 2d --json',
    async ({ http }, [duration]) => {
      const seconds = parseDuration(duration as string);
      if (seconds === undefined) {
        throw new VerbError(`the duration must be like 90s, 10m, 2h, 2d or 1h30m, not ${duration}`, 2);
      }
      return clockOutcome(await advanceClock(http, seconds));
    },
  );
}
