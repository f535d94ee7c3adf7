import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { requestIdOf } from './request-id.js';

interface RequestFacts {
  started: number;
  operationName?: string;
  errorCodes: string[];
}

/**
 * One log line per request: id, operation, duration, status and the codes of its errors.
 * Headers and variables are never logged, so credentials and tokens cannot leak into logs.
 */
export function useRequestLog(logger: Logger): Plugin {
  const facts = new WeakMap<Request, RequestFacts>();
  return {
    onRequest({ request }) {
      facts.set(request, { started: performance.now(), errorCodes: [] });
    },
    onExecute({ args }) {
      // yoga puts the request in the context.
      const known = facts.get((args.contextValue as { request: Request }).request);
      if (known) known.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResultProcess({ request, result }) {
      const known = facts.get(request);
      if (!known || Array.isArray(result) || !('errors' in result)) return;
      for (const error of result.errors ?? []) known.errorCodes.push(String(error.extensions?.code ?? 'unknown'));
    },
    onResponse({ request, response }) {
      const known = facts.get(request);
      if (!known) return;
      const url = new URL(request.url);
      logger.info(
        {
          requestId: requestIdOf(request),
          method: request.method,
          path: url.pathname,
          operationName: known.operationName,
          status: response.status,
          durationMs: Math.round((performance.now() - known.started) * 10) / 10,
          outcome: known.errorCodes.length ? 'error' : 'ok',
          ...(known.errorCodes.length ? { errorCodes: [...new Set(known.errorCodes)] } : {}),
        },
        'request',
      );
    },
  };
}
