import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { adminAuthorization } from '../auth/admin-header.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { applyPendingMigrations } from '../db/migrate-in-child.js';
import { connectPrisma, disconnectPrisma, getPrisma } from '../db/prisma.js';
import { EventFeed } from '../events/event-feed.js';
import type { Logger } from '../logger.js';
import { openFailureStore, type FailureLimit } from './failure-store.js';
import { createGateway } from './gateway.js';
import { serveWebSockets, type WebSocketService } from './websocket.js';
import { otlpProcessor, startTracing, type Tracing } from './tracing.js';

export interface RunningGateway {
  url: string;
  database: Database;
  stop(): Promise<void>;
}

/** Opens the database, applies pending migrations and serves the gateway on config.port. */
export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const database = await openDatabase(config, {
    log: (line) => logger.debug({ component: 'postgres' }, line.trim()),
    exclusive: true,
  });
  const failures = await openFailureStore(config).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  const tracing = config.otlpEndpoint ? startTracing(otlpProcessor(config.otlpEndpoint)) : undefined;
  const served = await serve(config, logger, database, tracing, failures).catch(async (error: unknown) => {
    await failures.close();
    await disconnectPrisma();
    await database.stop();
    await tracing?.shutdown();
    throw error;
  });
  const { server, events, webSockets } = served;
  const url = `http://localhost:${portOf(server)}/graphql`;
  logger.info(
    { url, database: database.embedded ? 'embedded' : 'DATABASE_URL', adminAuthStore: config.authFailures.store },
    'invitegate is serving',
  );

  return {
    url,
    database,
    stop: async () => {
      const drained = drain(server, config.shutdownTimeoutMs, logger);
      // Subscriptions end cleanly (SSE: a complete event; WebSocket: complete, then close 1001).
      await events.close();
      await webSockets.close();
      await drained;
      await failures.close();
      await disconnectPrisma();
      await database.stop();
      await tracing?.shutdown();
    },
  };
}

async function serve(
  config: Config,
  logger: Logger,
  database: Database,
  tracing: Tracing | undefined,
  failures: FailureLimit,
): Promise<{ server: Server; events: EventFeed; webSockets: WebSocketService }> {
  const applied = await applyPendingMigrations(database.url);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  connectPrisma(database.url, {
    ...config.database,
    // The code and message only: pg's error objects carry the connection, with its password.
    onConnectionError: (error) =>
      logger.warn(
        { component: 'db', code: error.code, error: error.message },
        'a database connection failed; the pool opens another when needed',
      ),
  });
  const events = new EventFeed({
    db: getPrisma,
    // LISTEN needs a session connection: DATABASE_LISTEN_URL when DATABASE_URL is a transaction pooler.
    listenUrl: config.databaseListenUrl ?? database.url,
    logger,
    maxSubscriptions: config.events.maxSubscriptions,
    retentionHours: config.events.retentionHours,
    connectTimeoutMs: config.database.connectTimeoutMs,
  });
  await events.start();
  const adminPassword = config.adminPassword ?? generateAdminPassword();
  const generated = !config.adminPassword;
  const gateway = createGateway({
    config,
    adminPassword,
    prefillAdminHeader: generated,
    logger,
    authFailures: config.authFailures,
    failureLimiter: failures.limiter,
    tracerProvider: tracing?.provider,
    events,
  });
  const server = createServer(gateway);
  const webSockets = serveWebSockets(server, gateway, {
    corsOrigins: config.corsOrigins,
    trustedDocuments: config.trustedDocuments,
    logger,
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      failed(
        error.code === 'EADDRINUSE' ? new Error(`PORT ${config.port} is already in use: choose another PORT`) : error,
      ),
    );
    server.listen(config.port, listening);
  }).catch(async (error: unknown) => {
    await events.close();
    throw error;
  });
  announceAdminHeader(generated ? adminPassword : undefined, portOf(server));
  return { server, events, webSockets };
}

/**
 * Stops accepting connections and lets requests in flight finish; connections still busy after
 * `timeoutMs` are cut.
 */
async function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn({ timeoutMs }, 'requests still in flight at the shutdown timeout; closing their connections');
    server.closeAllConnections();
  }, timeoutMs);
  await closed;
  clearTimeout(timer);
}

function generateAdminPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * How to authenticate as the admin, on stderr (never the log stream). A generated password is
 * printed with its header; one given in ADMIN_PASSWORD is not echoed (terminals and process
 * supervisors keep their output): the message says how to build its header instead.
 */
function announceAdminHeader(generatedPassword: string | undefined, port: number): void {
  const graphiql = `http://localhost:${port}/graphql`;
  process.stderr.write(
    generatedPassword
      ? `\nADMIN_PASSWORD is not set; generated one for this run: ${generatedPassword}\n` +
          `GraphiQL headers: { "Authorization": "${adminAuthorization(generatedPassword)}" }\n` +
          `(GraphiQL at ${graphiql} has them prefilled for browsers on this machine.)\n\n`
      : '\nAdmin requests need { "Authorization": "Basic <base64 of admin:$ADMIN_PASSWORD>" }; in a shell:\n' +
          `  echo "{ \\"Authorization\\": \\"Basic $(printf 'admin:%s' "$ADMIN_PASSWORD" | base64 -w0)\\" }"\n` +
          `then paste the line into the Headers tab of GraphiQL at ${graphiql}\n\n`,
  );
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
