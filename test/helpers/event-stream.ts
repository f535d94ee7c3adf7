// Subscriptions as a client sees them: GraphQL over SSE (the real yoga response stream, parsed as
// EventSource would) and over WebSocket (graphql-ws's own client), each collecting its results.
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { inject } from 'vitest';
import { getPrisma } from '../../src/db/prisma.js';
import { EventFeed, type EventFeedOptions } from '../../src/events/event-feed.js';
import { createLogger } from '../../src/logger.js';
import { adminAuth } from './gateway.js';

export interface StreamResult {
  data?: { inviteCodeEvents?: EventData } | null;
  errors?: (GraphQLFormattedError & { extensions?: Record<string, unknown> })[];
}

export interface EventData {
  cursor: string;
  kind: string;
  at: string;
  inviteCode: { code: string; forAccount?: string; disabled?: boolean; usedCount?: number };
  use: { usedBy: string } | null;
}

export const EVENTS_QUERY = `subscription Events($after: String, $filter: InviteCodeEventFilter) {
  inviteCodeEvents(after: $after, filter: $filter) { cursor kind at inviteCode { code forAccount } use { usedBy } }
}`;

export interface EventStream {
  results: StreamResult[];
  /** The events received so far (results without errors). */
  events(): EventData[];
  /** Resolves once `count` results arrived (or the stream ended); rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<StreamResult[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

// The global fetch, or yoga.fetch (no socket).
// biome-ignore lint/suspicious/noExplicitAny: yoga.fetch is overloaded; both take (url, init)
type FetchLike = (url: string, init: RequestInit) => any;

class Collector {
  readonly results: StreamResult[] = [];
  private waiters: (() => void)[] = [];
  done = false;

  push(result: StreamResult): void {
    this.results.push(result);
    this.wake();
  }

  finish(): void {
    this.done = true;
    this.wake();
  }

  events(): EventData[] {
    return this.results.flatMap((result) => (result.data?.inviteCodeEvents ? [result.data.inviteCodeEvents] : []));
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<StreamResult[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.results.length < count && !this.done) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`only ${this.results.length} of ${count} results: ${JSON.stringify(this.results)}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
    return this.results;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A subscription over SSE: `fetch` is yoga's (no socket) or the global one (a real port). */
export async function subscribeSse(
  fetch: FetchLike,
  url: string,
  variables: Record<string, unknown> = {},
  { authorization = adminAuth, query = EVENTS_QUERY }: { authorization?: string | null; query?: string } = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (authorization) headers.authorization = authorization;
  const response: Response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const collector = new Collector();
  const ended = (async () => {
    if (!response.body) return collector.finish();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const message = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = message
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (/^event: next/m.test(message) && data) collector.push(JSON.parse(data) as StreamResult);
          if (/^event: complete/m.test(message)) collector.finish();
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close(), or the connection was cut
    }
    collector.finish();
  })();
  return {
    results: collector.results,
    events: () => collector.events(),
    waitFor: (count, timeoutMs) => collector.waitFor(count, timeoutMs),
    ended,
    close: () => controller.abort(),
  };
}

/** A subscription over WebSocket, with credentials in the connection_init payload (as browsers must). */
export function subscribeWebSocket(
  url: string,
  variables: Record<string, unknown> = {},
  {
    authorization = adminAuth,
    query = EVENTS_QUERY,
    headers = {},
  }: { authorization?: string | null; query?: string; headers?: Record<string, string> } = {},
): EventStream & { client: Client } {
  const collector = new Collector();
  class HeaderedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: HeaderedWebSocket,
    connectionParams: authorization ? { Authorization: authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
  const ended = new Promise<void>((done) => {
    const unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (result) => collector.push(result as StreamResult),
        error: (error) => {
          // graphql-ws reports refused operations as an array of GraphQL errors, a closed socket as a CloseEvent.
          collector.push({
            errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? 'socket closed') }],
          });
          collector.finish();
          done();
        },
        complete: () => {
          collector.finish();
          done();
        },
      },
    );
    void unsubscribe;
  });
  return {
    client,
    results: collector.results,
    events: () => collector.events(),
    waitFor: (count, timeoutMs) => collector.waitFor(count, timeoutMs),
    ended,
    close: () => void client.dispose(),
  };
}

/** An event feed on the test database, as start.ts makes one. */
export async function startTestFeed(options: Partial<EventFeedOptions> = {}): Promise<EventFeed> {
  const feed = new EventFeed({
    db: getPrisma,
    listenUrl: inject('databaseUrl'),
    logger: createLogger('silent'),
    maxSubscriptions: 100,
    retentionHours: 168,
    ...options,
  });
  await feed.start();
  return feed;
}
