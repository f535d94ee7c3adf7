import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { AuthFailureLimiter } from '../auth/failure-limiter.js';

/** The client's address as the socket sees it ("local" for in-process requests). */
export function clientAddress(serverContext: unknown): string {
  return (serverContext as { req?: IncomingMessage }).req?.socket.remoteAddress ?? 'local';
}

/** Answers 429 RateLimited to admin logins from a client with too many recent failures. */
export function useAuthRateLimit(limiter: AuthFailureLimiter): Plugin {
  return {
    onRequest({ request, serverContext, endResponse }) {
      if (!/^\s*basic\s/i.test(request.headers.get('authorization') ?? '')) return;
      const retryAfterMs = limiter.retryAfterMs(clientAddress(serverContext));
      if (retryAfterMs === 0) return;
      const body = { errors: [{ message: 'Too many failed admin logins; try again later', extensions: { code: 'RateLimited' } }] };
      endResponse(
        new Response(JSON.stringify(body), {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
        }),
      );
    },
  };
}
