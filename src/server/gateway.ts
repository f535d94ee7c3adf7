import { useOpenTelemetry } from '@envelop/opentelemetry';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { TracerProvider } from '@opentelemetry/api';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { isAdminAuthorization, readCaller, type AuthSettings } from '../auth/credentials.js';
import { AuthFailureLimiter } from '../auth/failure-limiter.js';
import { DEFAULT_QUERY_LIMITS, type Config, type QueryLimits } from '../config.js';
import type { GraphQLContext } from '../context.js';
import { getPrisma, poolStats } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import { inviteCodeGenerator, type CodeGenerator } from '../resolvers/generate-invite-code.js';
import { schema } from '../schema/index.js';
import { useInvalidRequestCodes } from './argument-errors.js';
import { clientAddress, useAuthRateLimit } from './auth-rate-limit.js';
import { useErrorCodes } from './errors.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import { useQueryLimits } from './limits.js';
import { loadTrustedDocuments } from './trusted-documents.js';
import { GatewayMetrics } from './metrics.js';
import { useMetricsEndpoint } from './metrics-endpoint.js';
import { useRequestErrorCodes } from './request-errors.js';
import { useRequestLog } from './request-log.js';
import { requestIdOf, useRequestId } from './request-id.js';
import { useSqlAnswers } from './sql-answers.js';

export interface GatewayOptions {
  config: Pick<Config, 'graphiql' | 'introspection' | 'jwtSecret' | 'jwtAudience' | 'serviceHostname'> & {
    limits?: QueryLimits;
    metricsToken?: string;
    trustedDocuments?: boolean;
    corsOrigins?: string[];
  };
  adminPassword: string;
  logger: Logger;
  /** Replaces the CSPRNG code generator (tests use one that collides). */
  generateCode?: CodeGenerator;
  /** Failed admin logins per client before it is refused for the rest of the window. */
  authFailures?: { maxFailures: number; windowMs: number };
  /** When set, every operation gets an OpenTelemetry span from this provider. */
  tracerProvider?: TracerProvider;
  /** Answer the listing queries with one JSON-building SQL statement (default true); tests compare both ways. */
  sqlAnswers?: boolean;
}

/** Clients that send GET requests (or non-JSON POSTs) must set this header. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const DEFAULT_AUTH_FAILURES = { maxFailures: 10, windowMs: 60_000 };

export type Gateway = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** Trusted-documents mode: operations run by hash (`extensions.persistedQuery.sha256Hash`). */
function useTrustedDocuments() {
  const documents = loadTrustedDocuments();
  return usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    allowArbitraryOperations: false,
    customErrors: {
      notFound: { message: 'Unknown persisted operation', extensions: { code: 'InvalidRequest', http: { status: 400 } } },
      persistedQueryOnly: { message: 'Only trusted documents may run here: send extensions.persistedQuery.sha256Hash', extensions: { code: 'Forbidden', http: { status: 403 } } },
      keyNotFound: { message: 'Send the sha256 hash of a trusted document', extensions: { code: 'InvalidRequest', http: { status: 400 } } },
    },
  });
}

/** The HTTP handler of the gateway; it never listens (see main.ts). */
export function createGateway({
  config,
  adminPassword,
  logger,
  generateCode,
  authFailures = DEFAULT_AUTH_FAILURES,
  tracerProvider,
  sqlAnswers = true,
}: GatewayOptions): Gateway {
  const limiter = new AuthFailureLimiter(authFailures.maxFailures, authFailures.windowMs);
  const metrics = new GatewayMetrics(poolStats);
  const auth: AuthSettings = { adminPassword, jwtSecret: config.jwtSecret, jwtAudience: config.jwtAudience };
  const codeGenerator = generateCode ?? inviteCodeGenerator(config.serviceHostname);
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // useBodyLimit (in useQueryLimits) enforces MAX_BODY_BYTES from the declared Content-Length.
    maxRequestBodySize: false,
    // Browsers send the Authorization header explicitly; cookies and cached HTTP credentials
    // are never honoured cross-site.
    cors: {
      origin: config.corsOrigins ?? '*',
      credentials: false,
      allowedHeaders: ['content-type', 'accept', 'authorization', 'x-request-id', CSRF_HEADER],
      exposedHeaders: ['x-request-id'],
    },
    graphiql: config.graphiql && { title: 'invitegate', defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    // GraphiQL with its assets inlined: it works offline, with no CDN. They weigh about 30 MB
    // in memory, so they load when GraphiQL is first opened.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: logger.child({ component: 'yoga' }),
    maskedErrors: {
      // Errors of execution were already mapped by useErrorCodes; this catches the rest.
      maskError: (error) => {
        if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) return error;
        logger.error({ err: error }, 'unexpected error outside execution');
        return new GraphQLError('Unexpected error', { extensions: { code: 'InternalServerError' } });
      },
    },
    context: async (initial) => {
      const { request } = initial;
      const authorization = request.headers.get('authorization');
      const caller = await readCaller(authorization, auth);
      if (caller.kind === 'invalid' && /^\s*basic\s/i.test(authorization ?? '')) limiter.recordFailure(clientAddress(initial));
      return { caller, requestId: requestIdOf(request), generateCode: codeGenerator };
    },
    plugins: [
      ...useQueryLimits(config.limits ?? DEFAULT_QUERY_LIMITS),
      useRequestId(),
      // A browser may not send a "simple" request (a GET, or a form's POST) without this header.
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      useAuthRateLimit(limiter),
      useInvalidRequestCodes(),
      useRequestErrorCodes(),
      useErrorCodes(logger),
      useRequestLog(logger, metrics),
      useMetricsEndpoint(metrics, config.metricsToken, (authorization) => isAdminAuthorization(authorization, adminPassword)),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      ...(config.trustedDocuments ? [useTrustedDocuments()] : []),
      ...(sqlAnswers ? [useSqlAnswers(logger)] : []),
      // Operation spans only: variables and results may hold DIDs and codes.
      ...(tracerProvider ? [useOpenTelemetry({ resolvers: false, variables: false, result: false }, tracerProvider)] : []),
      useReadinessCheck({
        endpoint: '/ready',
        // Never throws: a thrown error's message would reach the client.
        check: () => getPrisma().$queryRaw`SELECT 1`.then(() => true, () => false),
      }),
    ],
  });
}
