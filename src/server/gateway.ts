import { useOpenTelemetry } from '@envelop/opentelemetry';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { TracerProvider } from '@opentelemetry/api';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { adminAuthorization } from '../auth/admin-header.js';
import type { AuthSettings } from '../auth/credentials.js';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import { MemoryFailureLimiter } from '../auth/memory-failure-limiter.js';
import { DEFAULT_QUERY_LIMITS, type Config, type QueryLimits } from '../config.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { EventSource } from '../resolvers/subscribe-invite-code-events.js';
import type { GraphQLContext } from '../context.js';
import { getPrisma, poolStats } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import { inviteCodeGenerator, type CodeGenerator } from '../resolvers/generate-invite-code.js';
import { schema } from '../schema/index.js';
import { useInvalidRequestCodes } from './argument-errors.js';
import { CredentialGuard, useAuthRateLimit } from './auth-rate-limit.js';
import { clientReader } from './client-address.js';
import { adminCredentialCheck } from './credential-checks.js';
import { useErrorCodes } from './errors.js';
import { useEventWakeups } from './event-wakeups.js';
import { graphiqlOptions } from './graphiql.js';
import { GraphiQLAssets } from './graphiql-assets.js';
import { useQueryLimits } from './limits.js';
import { loadTrustedDocuments } from './trusted-documents.js';
import { GatewayMetrics } from './metrics.js';
import { useMetricsEndpoint } from './metrics-endpoint.js';
import { useRequestErrorCodes } from './request-errors.js';
import { useRequestHints } from './request-hints.js';
import { useRequestLog } from './request-log.js';
import { requestCaller } from './request-caller.js';
import { requestIdOf, useRequestId } from './request-id.js';
import { useSqlAnswers } from './sql-answers.js';

export interface GatewayOptions {
  config: Pick<Config, 'graphiql' | 'introspection' | 'jwtSecret' | 'jwtAudience' | 'serviceHostname'> & {
    limits?: QueryLimits;
    metricsToken?: string;
    trustedDocuments?: boolean;
    corsOrigins?: string[];
    /** Proxies whose X-Forwarded-For hops are believed (TRUST_PROXY); none: the socket's address. */
    trustProxy?: readonly string[];
  };
  adminPassword: string;
  /** The password was generated for this run: GraphiQL prefills its header for browsers on this machine. */
  prefillAdminHeader?: boolean;
  logger: Logger;
  /** Replaces the CSPRNG code generator (tests use one that collides). */
  generateCode?: CodeGenerator;
  /** Failed admin logins per client before it is refused for the rest of the window. */
  authFailures?: { maxFailures: number; windowMs: number; maxClients?: number };
  /** Counts failed admin logins instead of an in-memory limiter built from `authFailures` (a shared store). */
  failureLimiter?: FailureLimiter;
  /** When set, every operation gets an OpenTelemetry span from this provider. */
  tracerProvider?: TracerProvider;
  /** Answer the listing queries with one JSON-building SQL statement (default true); tests compare both ways. */
  sqlAnswers?: boolean;
  /** Live events (src/events/event-feed.ts); without them, subscriptions are refused. */
  events?: GatewayEvents;
}

/** This instance's events: subscriptions, and the wake-up after each mutation. */
export interface GatewayEvents extends EventSource {
  written(): void;
}

const NO_EVENTS: GatewayEvents = {
  subscribe: () => Promise.reject(new DomainError(ErrorCode.TooManySubscriptions, 'This gateway serves no events')),
  written: () => {},
};

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
      notFound: {
        message: 'Unknown persisted operation',
        extensions: { code: ErrorCode.InvalidRequest, http: { status: 400 } },
      },
      persistedQueryOnly: {
        message: 'Only trusted documents may run here: send extensions.persistedQuery.sha256Hash',
        extensions: { code: ErrorCode.Forbidden, http: { status: 403 } },
      },
      keyNotFound: {
        message: 'Send the sha256 hash of a trusted document',
        extensions: { code: ErrorCode.InvalidRequest, http: { status: 400 } },
      },
    },
  });
}

/** The HTTP handler of the gateway; it never listens (see main.ts). */
export function createGateway({
  config,
  adminPassword,
  prefillAdminHeader = false,
  logger,
  generateCode,
  authFailures = DEFAULT_AUTH_FAILURES,
  failureLimiter,
  tracerProvider,
  sqlAnswers = true,
  events = NO_EVENTS,
}: GatewayOptions): Gateway {
  const limiter =
    failureLimiter ??
    new MemoryFailureLimiter(authFailures.maxFailures, authFailures.windowMs, {
      maxClients: authFailures.maxClients,
    });
  const guard = new CredentialGuard(limiter, clientReader(config.trustProxy ?? []));
  const metrics = new GatewayMetrics(poolStats);
  const auth: AuthSettings = { adminPassword, jwtSecret: config.jwtSecret, jwtAudience: config.jwtAudience };
  const codeGenerator = generateCode ?? inviteCodeGenerator(config.serviceHostname);
  const graphiqlAssets = new GraphiQLAssets();
  const adminHeader = prefillAdminHeader ? adminAuthorization(adminPassword) : undefined;
  const credentialCheck = adminCredentialCheck(adminPassword, config.metricsToken);
  const checkWebSocketCredentials = async (request: Request, serverContext: unknown) => {
    const isRight = credentialCheck(request, new URL(request.url));
    if (isRight) await guard.check(request, serverContext, isRight);
  };
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
    graphiql: config.graphiql && ((request, serverContext) => graphiqlOptions(request, serverContext, adminHeader)),
    // GraphiQL's assets come from this server (it works offline, with no CDN), compressed and cacheable.
    renderGraphiQL: (options) => graphiqlAssets.page(options),
    logging: logger.child({ component: 'yoga' }),
    maskedErrors: {
      // Errors of execution were already mapped by useErrorCodes; this catches the rest.
      maskError: (error) => {
        if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError))
          return error;
        logger.error({ err: error }, 'unexpected error outside execution');
        return new GraphQLError('Unexpected error', { extensions: { code: ErrorCode.InternalServerError } });
      },
    },
    context: async (initial) => {
      const { request } = initial;
      // Over WebSocket no HTTP request ran the credential check (useAuthRateLimit): run it here, counted alike.
      if (initial.webSocket === true) await checkWebSocketCredentials(request, initial);
      return {
        caller: await requestCaller(request, guard, auth),
        requestId: requestIdOf(request),
        generateCode: codeGenerator,
        events,
      };
    },
    plugins: [
      ...(config.graphiql ? [graphiqlAssets.plugin()] : []),
      ...useQueryLimits(config.limits ?? DEFAULT_QUERY_LIMITS),
      useRequestId(),
      useRequestHints('/graphql', CSRF_HEADER),
      // A browser may not send a "simple" request (a GET, or a form's POST) without this header.
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      useAuthRateLimit(guard, credentialCheck),
      useInvalidRequestCodes(),
      useRequestErrorCodes(),
      useErrorCodes(logger),
      useRequestLog(logger, metrics),
      useEventWakeups(events),
      useMetricsEndpoint(metrics, async (request) => (await guard.outcomeOf(request))?.status === 'passed'),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      ...(config.trustedDocuments ? [useTrustedDocuments()] : []),
      ...(sqlAnswers ? [useSqlAnswers(logger)] : []),
      // Operation spans only: variables and results may hold DIDs and codes.
      ...(tracerProvider
        ? [useOpenTelemetry({ resolvers: false, variables: false, result: false }, tracerProvider)]
        : []),
      useReadinessCheck({
        endpoint: '/ready',
        // Never throws: a thrown error's message would reach the client.
        check: () =>
          getPrisma().$queryRaw`SELECT 1`.then(
            () => true,
            () => false,
          ),
      }),
    ],
  });
}
