import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from './metrics.js';
import { requestIdOf } from './request-id.js';

interface RequestFacts {
  started: number;
  operationName?: string;
  errorCodes: string[];
  redemptions: string[];
}

/**
 * One log line per request: id, operation, duration, status and the codes of its errors; and
 * the same facts as metrics. Headers and variables are never logged, so credentials and tokens
 * cannot leak into logs.
 */
export function useRequestLog(logger: Logger, metrics?: GatewayMetrics): Plugin {
  const facts = new WeakMap<Request, RequestFacts>();
  return {
    onRequest({ request }) {
      facts.set(request, { started: performance.now(), errorCodes: [], redemptions: [] });
    },
    onExecute({ args }) {
      // yoga puts the request in the context.
      const known = facts.get((args.contextValue as { request: Request }).request);
      if (known) known.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResultProcess({ request, result }) {
      const known = facts.get(request);
      if (!known || Array.isArray(result) || !('data' in result || 'errors' in result)) return;
      for (const error of result.errors ?? []) {
        const code = String(error.extensions?.code ?? 'unknown');
        known.errorCodes.push(code);
        if (error.path?.[0] === 'redeemInviteCode') known.redemptions.push(String(error.extensions?.reason ?? code));
      }
      if ((result.data as Record<string, unknown> | null | undefined)?.redeemInviteCode) known.redemptions.push('ok');
    },
    onResponse({ request, response }) {
      const known = facts.get(request);
      if (!known) return;
      const url = new URL(request.url);
      const durationMs = Math.round((performance.now() - known.started) * 10) / 10;
      if (url.pathname === '/graphql')
        metrics?.observe({
          operationName: known.operationName,
          durationMs,
          errorCodes: known.errorCodes,
          redemptions: known.redemptions,
        });
      logger.info(
        {
          requestId: requestIdOf(request),
          method: request.method,
          path: url.pathname,
          operationName: known.operationName,
          status: response.status,
          durationMs,
          outcome: known.errorCodes.length ? 'error' : 'ok',
          ...(known.errorCodes.length ? { errorCodes: [...new Set(known.errorCodes)] } : {}),
        },
        'request',
      );
    },
  };
}
