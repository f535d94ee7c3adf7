// Subscriptions over WebSocket (graphql-transport-ws) on a real port: credentials from the
// connection_init payload or the upgrade's header, the same limits as HTTP, and cross-site
// upgrades refused by Origin (browsers cannot send the CSRF header on an upgrade).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventFeed } from '../src/events/event-feed.js';
import { createLogger } from '../src/logger.js';
import { serveWebSockets, type WebSocketService } from '../src/server/websocket.js';
import { type EventStream, startTestFeed, subscribeWebSocket } from './helpers/event-stream.js';
import { createCodes } from './helpers/fixtures.js';
import { accountToken, randomDid, startTestGateway } from './helpers/gateway.js';
import { type LoopbackServer, serveOnLoopback } from './helpers/loopback-server.js';

const APP_ORIGIN = 'https://app.example.com';
let feed: EventFeed;
let loopback: LoopbackServer;
let webSockets: WebSocketService;
let url: string;
const streams: EventStream[] = [];

beforeAll(async () => {
  startTestGateway();
  feed = await startTestFeed();
  const gateway = startTestGateway({ events: feed, config: { corsOrigins: [APP_ORIGIN] } });
  loopback = await serveOnLoopback(gateway);
  webSockets = serveWebSockets(loopback.server, gateway, {
    corsOrigins: [APP_ORIGIN],
    trustedDocuments: false,
    logger: createLogger('silent'),
  });
  url = `${loopback.origin}/graphql`;
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await feed.close();
  await webSockets.close();
  await loopback.close();
});

function open(...args: Parameters<typeof subscribeWebSocket>) {
  const stream = subscribeWebSocket(...args);
  streams.push(stream);
  return stream;
}

/** The HTTP status an upgrade gets (101 when it is accepted). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', reject);
  });
}

describe('subscriptions over WebSocket', () => {
  it('take credentials from the connection_init payload or from the upgrade header', async () => {
    const owner = randomDid();
    const token = await accountToken({ sub: owner });
    const byPayload = open(url, { filter: { forAccount: owner } });
    const byHeader = open(url, {}, { authorization: null, headers: { authorization: token } });
    await new Promise((settle) => setTimeout(settle, 500));
    const [code] = await createCodes(startTestGateway({ events: feed }), { forAccount: owner });
    await byPayload.waitFor(1);
    await byHeader.waitFor(1);
    expect(byPayload.events().map((event) => event.inviteCode.code)).toEqual([code]);
    expect(byHeader.events().map((event) => `${event.kind} ${event.inviteCode.code}`)).toEqual([`CREATED ${code}`]);
  });

  it('refuses a subscription without credentials, and applies the query limits', async () => {
    const anonymous = open(url, {}, { authorization: null });
    await anonymous.ended;
    expect(anonymous.results[0]?.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    const deep = open(
      url,
      {},
      {
        query: `subscription { inviteCodeEvents { inviteCode { uses { inviteCode { uses { inviteCode { uses {
          inviteCode { uses { inviteCode { code } } } } } } } } } } }`,
      },
    );
    await deep.ended;
    expect(JSON.stringify(deep.results)).toContain('QueryTooComplex');
  });

  it('refuses upgrades from origins that are neither this server nor in CORS_ORIGINS', async () => {
    expect(await upgradeStatus({ origin: 'https://evil.example.com' })).toBe(403);
    expect(await upgradeStatus({ origin: APP_ORIGIN })).toBe(101);
    expect(await upgradeStatus({ origin: loopback.origin })).toBe(101);
    // Not a browser: no Origin, credentials of its own.
    expect(await upgradeStatus({})).toBe(101);
  });
});
