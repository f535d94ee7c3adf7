import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; credentials are redacted wherever they might be logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'password', '*.password', 'token'],
      censor: '[redacted]',
    },
  });
}
