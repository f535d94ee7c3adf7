import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Gateway } from './gateway.js';
import { loadTrustedDocuments } from './trusted-documents.js';

export interface WebSocketOptions {
  /** CORS_ORIGINS; undefined: any origin. */
  corsOrigins: string[] | undefined;
  trustedDocuments: boolean;
  /** graphql-ws keep-alive pings. */
  keepAliveMs?: number;
  logger: Logger;
}

export interface WebSocketService {
  /** Closes every socket (code 1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

type Envelope = ReturnType<Gateway['getEnveloped']>;

/**
 * GraphQL over WebSocket (graphql-transport-ws, graphql-ws) at /graphql, run through the same
 * envelop plugins as HTTP (limits, cost, auth, error codes). Credentials come from the upgrade's
 * Authorization header or, as browsers cannot set headers on an upgrade, from the
 * `connection_init` payload (`{ "Authorization": "..." }`). For the same reason the CSRF header
 * rule cannot apply: an upgrade whose Origin is neither this server's nor in CORS_ORIGINS is refused.
 */
export function serveWebSockets(server: Server, gateway: Gateway, options: WebSocketOptions): WebSocketService {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  const documents = options.trustedDocuments ? loadTrustedDocuments() : undefined;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/graphql') return refuse(socket, 404, 'Not Found');
    if (!originAllowed(request, options.corsOrigins)) return refuse(socket, 403, 'Origin not allowed');
    sockets.handleUpgrade(request, socket, head, (webSocket) => sockets.emit('connection', webSocket, request));
  });
  const disposable = useServer(
    {
      onSubscribe: async (context, _id, payload) => {
        const query = documents ? trustedQuery(documents, payload) : payload.query;
        if (query === undefined) {
          return [
            new GraphQLError('Only trusted documents may run here', { extensions: { code: ErrorCode.Forbidden } }),
          ];
        }
        const request = upgradeRequest(context.extra.request, context.connectionParams);
        const enveloped = gateway.getEnveloped({
          request,
          req: context.extra.request,
          webSocket: true,
          params: payload,
        });
        // GraphQL Armor refuses by throwing from parse or validate, with its own code already set.
        let document: ReturnType<Envelope['parse']>;
        try {
          document = enveloped.parse(query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors;
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Invalid operation')];
        }
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        return args;
      },
      execute: (args) => (args.rootValue as Pick<Envelope, 'execute'>).execute(args),
      subscribe: (args) => (args.rootValue as Pick<Envelope, 'subscribe'>).subscribe(args),
    },
    sockets,
    options.keepAliveMs,
  );
  return {
    close: async () => {
      for (const client of sockets.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
    },
  };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Browsers send Origin on every upgrade: it must be this server's own (GraphiQL) or one of
 * CORS_ORIGINS. Clients that are not browsers send none, and carry their credentials themselves.
 */
export function originAllowed(request: IncomingMessage, corsOrigins: string[] | undefined): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || corsOrigins === undefined) return true;
  if (corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** A Request carrying the upgrade's headers, with the connection_init payload's Authorization if it has one. */
function upgradeRequest(upgrade: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upgrade.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const authorization = params?.Authorization ?? params?.authorization;
  if (typeof authorization === 'string') headers.set('authorization', authorization);
  return new Request(`http://${upgrade.headers.host ?? 'localhost'}/graphql`, { headers });
}

function trustedQuery(documents: Map<string, string>, payload: SubscribePayload): string | undefined {
  const persisted = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === 'string' ? documents.get(persisted.sha256Hash) : undefined;
}
