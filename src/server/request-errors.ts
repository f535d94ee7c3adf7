import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestIdOf } from './request-id.js';
import { ErrorCode } from '../errors.js';

// graphql-yoga's names for requests it cannot run: all bad input, in atproto's words.
const REQUEST_ERROR_CODES = new Set([
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * Gives errors about the request itself (bad JSON, no query, syntax errors, unknown operation)
 * the code InvalidRequest (Forbidden for a refused cross-site request), and drops the parser's
 * own error, which the client does not need.
 */
export function useRequestErrorCodes(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      const errors = result.errors.map((error) => {
        const { code, originalError: _originalError, ...extensions } = error.extensions ?? {};
        if (code === ErrorCode.InternalServerError && !extensions.requestId)
          return withCode(error, { ...extensions, requestId: requestIdOf(request) }, code);
        const status = (extensions.http as { status?: number } | undefined)?.status;
        if (code === undefined && status === 403) return withCode(error, extensions, ErrorCode.Forbidden);
        if (typeof code !== 'string' || !REQUEST_ERROR_CODES.has(code)) return error;
        return withCode(error, extensions, ErrorCode.InvalidRequest);
      });
      setResult({ ...result, errors });
    },
  };
}

function withCode(error: GraphQLError, extensions: Record<string, unknown>, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    path: error.path ?? null,
    extensions: { ...extensions, code },
  });
}
