import { PothosValidationError } from '@pothos/core';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { Logger } from '../logger.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { DomainError, ErrorCode } from '../errors.js';

/**
 * Turns each error of an execution result into what a client may see: domain errors become
 * GraphQL errors with their code; anything unexpected is logged with the request id and
 * replaced by a generic error that carries only that id.
 */
export function useErrorCodes(logger: Logger): Plugin<GraphQLContext> {
  const mapErrors = ({ args, result, setResult }: ResultPayload) => {
    if (!('errors' in result) || !result.errors?.length) return;
    const context = args.contextValue as GraphQLContext;
    setResult({ ...result, errors: result.errors.map((error) => toClientError(error, context, logger)) });
  };
  return {
    onExecute: () => ({ onExecuteDone: (payload) => mapErrors(payload as ResultPayload) }),
    // A subscription's start (its refusal) and each of its events.
    onSubscribe: () => ({
      onSubscribeResult: (payload) => {
        mapErrors(payload as ResultPayload);
        return { onNext: (next) => mapErrors(next as ResultPayload) };
      },
    }),
  };
}

interface ResultPayload {
  args: { contextValue: unknown };
  result: ExecutionResult | AsyncIterable<ExecutionResult>;
  setResult: (result: ExecutionResult) => void;
}

function toClientError(error: GraphQLError, context: GraphQLContext, logger: Logger): GraphQLError {
  // Already meant for the client: auth and scalar errors, and variable coercion (which copies
  // the scalar's code).
  if (error.extensions.code) return error;
  const original = error.originalError;
  const at = { nodes: error.nodes ?? null, path: error.path ?? null };
  // Without a path, graphql-js's errors concern the request: a variable it could not coerce
  // (wrapping the scalar's own GraphQLError) or a required one that is missing. The executor's
  // extensions (HTTP status 400) stay.
  if (!error.path && (!original || original instanceof GraphQLError)) {
    return new GraphQLError(error.message, {
      ...at,
      extensions: { ...error.extensions, code: ErrorCode.InvalidRequest },
    });
  }
  if (!original) return error;
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: original.code, ...original.extensions } });
  }
  if (original instanceof PothosValidationError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: ErrorCode.InvalidRequest } });
  }
  if (isDatabaseUnavailable(original)) {
    logger.warn({ err: original, requestId: context.requestId }, 'database unavailable');
    return new GraphQLError('Database unavailable, try again later', {
      ...at,
      extensions: { code: ErrorCode.DatabaseUnavailable, requestId: context.requestId },
    });
  }
  logger.error({ err: original, requestId: context.requestId, path: error.path?.join('.') }, 'unexpected error');
  return new GraphQLError('Unexpected error', {
    ...at,
    extensions: { code: ErrorCode.InternalServerError, requestId: context.requestId },
  });
}
