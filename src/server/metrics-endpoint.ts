import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './metrics.js';

/**
 * GET /metrics in Prometheus' text format, for `Authorization: Bearer <METRICS_TOKEN>` when a
 * token is set, else for the admin: without credentials only the health endpoints answer.
 * `authorized` reads the outcome of the check useAuthRateLimit made (and counted) already.
 */
export function useMetricsEndpoint(
  metrics: GatewayMetrics,
  authorized: (request: Request) => Promise<boolean>,
): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics') return;
      if (!(await authorized(request))) {
        endResponse(
          new Response(
            'metrics need credentials: the METRICS_TOKEN bearer token, or admin Basic auth when none is set\n',
            { status: 401, statusText: 'Unauthorized' },
          ),
        );
        return;
      }
      endResponse(
        new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }),
      );
    },
  };
}
