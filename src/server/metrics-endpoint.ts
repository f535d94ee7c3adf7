import type { Plugin } from 'graphql-yoga';
import { sameSecret } from '../auth/same-secret.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * GET /metrics in Prometheus' text format, for `Authorization: Bearer <METRICS_TOKEN>` when a
 * token is set, else for the admin (`isAdmin`): without credentials only the health endpoints
 * answer.
 */
export function useMetricsEndpoint(metrics: GatewayMetrics, token: string | undefined, isAdmin: (authorization: string) => boolean): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics') return;
      const authorization = request.headers.get('authorization') ?? '';
      const allowed = token ? sameSecret(authorization, `Bearer ${token}`) : isAdmin(authorization);
      if (!allowed) {
        endResponse(new Response('metrics need credentials: the METRICS_TOKEN bearer token, or admin Basic auth when none is set\n', { status: 401 }));
        return;
      }
      endResponse(new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
    },
  };
}
