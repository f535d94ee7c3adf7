import { pino, type Logger } from 'pino';

export type { Logger };

// Lines waiting for a slow stdout are bounded: past this, new lines are dropped (and said so on
// stderr) instead of growing the heap.
const MAX_PENDING_LOG_CHARS = 16 * 1024 * 1024;

function stdoutDestination() {
  const destination = pino.destination({ dest: 1, sync: false, maxLength: MAX_PENDING_LOG_CHARS });
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
 * asynchronous (a request does not wait for stdout); pino flushes what is pending when the
 * process exits.
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
