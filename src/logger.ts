import { pino, type Logger } from 'pino';

export type { Logger };

// Lines waiting for a slow stdout are bounded: past this, new lines are dropped (and said so on
// stderr) instead of growing the heap.
const MAX_PENDING_LOG_CHARS = 16 * 1024 * 1024;
// Lines are written in batches of this many characters, or after at most PERIODIC_FLUSH_MS: one
// write per line woke a libuv worker and stdout's reader once per request, and under load those
// wake-ups preempted the event loop (BENCHMARKS.md, "the stall").
const MIN_WRITE_CHARS = 4096;
const PERIODIC_FLUSH_MS = 250;

function stdoutDestination() {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: MIN_WRITE_CHARS,
    periodicFlush: PERIODIC_FLUSH_MS,
    maxLength: MAX_PENDING_LOG_CHARS,
  });
  let warned = false;
  destination.on('drop', () => {
    if (warned) return;
    warned = true;
    process.stderr.write('invitegate: stdout is not keeping up with the log; lines are being dropped\n');
  });
  return destination;
}

/**
 * JSON logs on stdout; credentials are redacted wherever they might be logged. Writes are
 * asynchronous and batched (a request does not wait for stdout; a line appears within
 * PERIODIC_FLUSH_MS); pino flushes what is pending when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          'req.headers.authorization',
          'password',
          '*.password',
          'token',
        ],
        censor: '[redacted]',
      },
    },
    stdoutDestination(),
  );
}
