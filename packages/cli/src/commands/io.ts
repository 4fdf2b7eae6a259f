/**
 * Where a verb writes and what it reads from its surroundings. The CLI passes {@link processIo}; tests pass their
 * own to capture the output, set the environment and stop `webhooks tail`.
 */
export interface Io {
  /** Writes to stdout, as given (the caller adds newlines). */
  out(text: string): void;
  /** Writes to stderr, as given. */
  err(text: string): void;
  /** The environment the verb's defaults come from (`BETAL_URL`, `VIPPS_CLIENT_ID`, …). */
  env: NodeJS.ProcessEnv;
  /** Records the exit status of the verb (0 unless set). */
  setExitCode(code: number): void;
  /** Stops long-running verbs (`webhooks tail`); the CLI aborts it on Ctrl-C. */
  signal?: AbortSignal;
}

/** The process's own stdout, stderr, environment and exit code; Ctrl-C aborts {@link Io.signal}. */
export function processIo(): Io {
  const stop = new AbortController();
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    setExitCode: (code) => void (process.exitCode = code),
    get signal() {
      // Installed on first use only, so that verbs that never wait keep Ctrl-C's default.
      if (process.listenerCount('SIGINT') === 0) process.once('SIGINT', () => stop.abort());
      return stop.signal;
    },
  };
}
