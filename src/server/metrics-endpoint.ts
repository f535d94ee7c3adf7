import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** GET /metrics in Prometheus' text format; with a token, only for `Authorization: Bearer <token>`. */
export function useMetricsEndpoint(metrics: GatewayMetrics, token: string | undefined): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics') return;
      if (token && !timingSafeEqual(digest(request.headers.get('authorization') ?? ''), digest(`Bearer ${token}`))) {
        endResponse(new Response('metrics need the METRICS_TOKEN bearer token\n', { status: 401 }));
        return;
      }
      endResponse(new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
    },
  };
}
