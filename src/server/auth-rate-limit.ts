import type { Plugin } from 'graphql-yoga';
import type { AttemptOutcome, FailureLimiter } from '../auth/failure-limiter.js';
import { refusal } from './request-hints.js';
import { ErrorCode } from '../errors.js';

/** Which secret a request's credentials must match, if it carries any that this gateway checks. */
export type CredentialCheck = (request: Request, url: URL) => (() => boolean) | undefined;

/** Every credential check of a request goes through here: once per request, counted per client. */
export class CredentialGuard {
  private readonly outcomes = new WeakMap<Request, Promise<AttemptOutcome>>();

  constructor(
    private readonly limiter: FailureLimiter,
    private readonly clientOf: (serverContext: unknown) => string,
  ) {}

  check(request: Request, serverContext: unknown, isRight: () => boolean): Promise<AttemptOutcome> {
    let outcome = this.outcomes.get(request);
    if (!outcome) {
      outcome = this.limiter.attempt(this.clientOf(serverContext), isRight);
      this.outcomes.set(request, outcome);
    }
    return outcome;
  }

  /** The outcome of the request's check; undefined when it carried no credentials to check. */
  outcomeOf(request: Request): Promise<AttemptOutcome> | undefined {
    return this.outcomes.get(request);
  }
}

const LOCKED_MESSAGE =
  'Too many failed admin logins from this client: until the lockout ends (see the retry-after header), ' +
  'every admin login from it is refused, even with the right password';

/**
 * Checks the credentials of every request that carries some (admin Basic anywhere, the metrics
 * token at /metrics), before anything else reads them, and answers 429 RateLimited to a client
 * that failed too often.
 */
export function useAuthRateLimit(guard: CredentialGuard, credentialCheck: CredentialCheck): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      const isRight = credentialCheck(request, url);
      if (!isRight) return;
      const outcome = await guard.check(request, serverContext, isRight);
      if (outcome.status !== 'locked') return;
      const retryAfter = String(Math.max(Math.ceil(outcome.retryAfterMs / 1000), 1));
      endResponse(refusal(429, ErrorCode.RateLimited, LOCKED_MESSAGE, { 'retry-after': retryAfter }));
    },
  };
}
