// Every admin credential check counts against one failure limit per client: GraphQL (POST and
// GET) and /metrics alike; the client is found behind trusted proxies, IPv6 by its /64; the
// failure table stays bounded however many addresses are rotated.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFailureLimiter } from '../src/auth/memory-failure-limiter.js';
import { readConfig } from '../src/config.js';
import type { Gateway, GatewayOptions } from '../src/server/gateway.js';
import { ADMIN_PASSWORD, adminAuth, JWT_SECRET, startTestGateway } from './helpers/gateway.js';

const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
const wrong = basic('guess');
const QUERY = '{ inviteCodes(first: 1) { totalCount } }';
const TWO_FAILURES = { maxFailures: 2, windowMs: 60_000 };

/** What the gateway made of one credential check: `locked` (429), `refused`, or `ok`. */
type Outcome = 'locked' | 'refused' | 'ok';

interface Login {
  authorization?: string;
  forwardedFor?: string;
  /** `graphql` (POST), `graphql-get` or `metrics`. */
  via?: 'graphql' | 'graphql-get' | 'metrics';
}

function loginRequest({ authorization = wrong, forwardedFor, via = 'graphql' }: Login): [string, RequestInit] {
  const headers: Record<string, string> = {
    authorization,
    'content-type': 'application/json',
    'x-graphql-yoga-csrf': '1',
  };
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  if (via === 'metrics') return ['/metrics', { headers }];
  if (via === 'graphql-get') return [`/graphql?query=${encodeURIComponent(QUERY)}`, { headers }];
  return ['/graphql', { method: 'POST', headers, body: JSON.stringify({ query: QUERY }) }];
}

async function outcomeOf(response: Response): Promise<Outcome> {
  if (response.status === 429) return 'locked';
  if (response.status === 401) return 'refused';
  if (response.headers.get('content-type')?.includes('text/plain')) return response.ok ? 'ok' : 'refused';
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.length ? 'refused' : 'ok';
}

/** Through yoga.fetch, no socket: every request comes from the same client. */
async function login(gateway: Gateway, attempt: Login = {}): Promise<Outcome> {
  const [path, init] = loginRequest(attempt);
  return outcomeOf(await gateway.fetch(`http://yoga${path}`, init));
}

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

/** The gateway on a real socket at 127.0.0.1, so that the client address and X-Forwarded-For count. */
async function serve(overrides: Partial<GatewayOptions>): Promise<(attempt?: Login) => Promise<Outcome>> {
  const server = createServer(startTestGateway(overrides));
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (attempt = {}) => {
    const [path, init] = loginRequest(attempt);
    return outcomeOf(await fetch(`${base}${path}`, init));
  };
}

const withConfig = (env: Record<string, string>) => ({
  config: { ...readConfig(env), jwtSecret: JWT_SECRET },
  authFailures: TWO_FAILURES,
});

describe('admin credential checks', () => {
  it(
    'GraphQL POST, GraphQL GET and /metrics share one failure count; the 429 says the right password is ' +
      'refused too',
    async () => {
      const gateway = startTestGateway({ authFailures: { maxFailures: 3, windowMs: 60_000 } });
      expect(await login(gateway, { via: 'metrics', authorization: adminAuth })).toBe('ok');
      expect(await login(gateway, { via: 'metrics' })).toBe('refused');
      expect(await login(gateway, { via: 'graphql-get' })).toBe('refused');
      expect(await login(gateway, { via: 'graphql' })).toBe('refused');
      for (const via of ['metrics', 'graphql-get', 'graphql'] as const) {
        expect(await login(gateway, { via, authorization: adminAuth })).toBe('locked');
      }
      const response = await gateway.fetch('http://yoga/metrics', { headers: { authorization: adminAuth } });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('RateLimited');
      expect(body.errors[0]?.message).toMatch(/even with the right password/);
    },
  );

  it('/metrics is no password oracle: wrong Basic credentials there lock the client out', async () => {
    const gateway = startTestGateway({ authFailures: TWO_FAILURES });
    expect(await login(gateway, { via: 'metrics' })).toBe('refused');
    expect(await login(gateway, { via: 'metrics' })).toBe('refused');
    expect(await login(gateway, { via: 'metrics', authorization: adminAuth })).toBe('locked');
    expect(await login(gateway, { via: 'metrics', authorization: basic(ADMIN_PASSWORD.slice(0, -1)) })).toBe('locked');
  });

  it('wrong METRICS_TOKENs count as failed admin logins too', async () => {
    const gateway = startTestGateway({
      config: { metricsToken: 'scrape-me' },
      authFailures: TWO_FAILURES,
    });
    expect(await login(gateway, { via: 'metrics', authorization: 'Bearer scrape-me' })).toBe('ok');
    expect(await login(gateway, { via: 'metrics', authorization: 'Bearer scrape-you' })).toBe('refused');
    expect(await login(gateway, { via: 'metrics', authorization: 'Bearer scrape-them' })).toBe('refused');
    expect(await login(gateway, { via: 'metrics', authorization: 'Bearer scrape-me' })).toBe('locked');
    expect(await login(gateway, { via: 'graphql', authorization: adminAuth })).toBe('locked');
  });

  it('a burst of concurrent guesses gets no more answers than the limit', async () => {
    const gateway = startTestGateway({ authFailures: { maxFailures: 3, windowMs: 60_000 } });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => login(gateway)));
    expect(outcomes.filter((outcome) => outcome === 'refused')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === 'locked')).toHaveLength(17);
  });
});

describe('the client behind proxies', () => {
  it('without TRUST_PROXY is the socket address: X-Forwarded-For is ignored', async () => {
    const send = await serve(withConfig({}));
    expect(await send({ forwardedFor: '203.0.113.1' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.2' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.3', authorization: adminAuth })).toBe('locked');
  });

  it('with TRUST_PROXY is the right-most hop that is not a trusted proxy', async () => {
    const send = await serve(withConfig({ TRUST_PROXY: 'loopback' }));
    expect(await send({ forwardedFor: '203.0.113.1' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.1' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.1', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '203.0.113.2', authorization: adminAuth })).toBe('ok');
    expect(await send({ authorization: adminAuth })).toBe('ok');
  });

  it('hops a client wrote left of the trusted proxies change nothing', async () => {
    const send = await serve(withConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }));
    // The client wrote the first hop; the edge proxy 10.0.0.7 appended the client's address.
    expect(await send({ forwardedFor: '192.0.2.1, 198.51.100.9, 10.0.0.7' })).toBe('refused');
    expect(await send({ forwardedFor: '192.0.2.2, 198.51.100.9, 10.0.0.7' })).toBe('refused');
    expect(await send({ forwardedFor: '192.0.2.3, 198.51.100.9, 10.0.0.7', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '198.51.100.9, 10.0.0.7', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '198.51.100.9, 198.51.100.10, 10.0.0.7', authorization: adminAuth })).toBe('ok');
  });

  it('a client that is not a trusted proxy cannot pose as one', async () => {
    // The socket (127.0.0.1) is not the trusted proxy, so its X-Forwarded-For is the client's own.
    const send = await serve(withConfig({ TRUST_PROXY: '10.0.0.7' }));
    expect(await send({ forwardedFor: '203.0.113.1' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.2, 10.0.0.7' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.3', authorization: adminAuth })).toBe('locked');
  });

  it('groups IPv6 clients by /64 and IPv4-mapped addresses with IPv4', async () => {
    const send = await serve(withConfig({ TRUST_PROXY: 'loopback' }));
    expect(await send({ forwardedFor: '2001:db8:1:2::1' })).toBe('refused');
    expect(await send({ forwardedFor: '2001:db8:1:2:ffff:ffff:ffff:fffe' })).toBe('refused');
    expect(await send({ forwardedFor: '2001:DB8:1:2:0:0:0:abcd', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '2001:db8:1:3::1', authorization: adminAuth })).toBe('ok');

    expect(await send({ forwardedFor: '::ffff:203.0.113.5' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.5' })).toBe('refused');
    expect(await send({ forwardedFor: '203.0.113.5', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '::ffff:cb00:7105', authorization: adminAuth })).toBe('locked');
  });

  it('rotating addresses past the table size does not unlock a locked client', async () => {
    const send = await serve({
      ...withConfig({ TRUST_PROXY: 'loopback' }),
      authFailures: { ...TWO_FAILURES, maxClients: 4 },
    });
    expect(await send({ forwardedFor: '198.51.100.1' })).toBe('refused');
    expect(await send({ forwardedFor: '198.51.100.1' })).toBe('refused');
    for (let host = 1; host <= 40; host++) {
      expect(await send({ forwardedFor: `203.0.113.${host}` })).toBe('refused');
    }
    expect(await send({ forwardedFor: '198.51.100.1', authorization: adminAuth })).toBe('locked');
    expect(await send({ forwardedFor: '198.51.100.2', authorization: adminAuth })).toBe('ok');
  });
});

describe('the failure table', () => {
  const guess = () => false;
  const rightPassword = () => true;

  it('stays within maxClients however many addresses rotate, and never forgets a locked client early', async () => {
    let now = 0;
    const limiter = new MemoryFailureLimiter(2, 10_000, { maxClients: 3, now: () => now });
    await limiter.attempt('198.51.100.1', guess);
    await limiter.attempt('198.51.100.1', guess);
    for (let host = 0; host < 1000; host++) {
      expect(await limiter.attempt(`10.0.${host >> 8}.${host & 255}`, guess)).toEqual({ status: 'failed' });
      expect(limiter.size).toBeLessThanOrEqual(3);
    }
    expect((await limiter.attempt('198.51.100.1', rightPassword)).status).toBe('locked');

    // With every entry locked, the clients that find no room share one window of guesses.
    for (const client of ['198.51.100.2', '198.51.100.3']) {
      await limiter.attempt(client, guess);
      await limiter.attempt(client, guess);
    }
    expect(limiter.size).toBe(3);
    expect(await limiter.attempt('203.0.113.1', guess)).toEqual({ status: 'failed' });
    expect(await limiter.attempt('203.0.113.2', guess)).toEqual({ status: 'failed' });
    expect((await limiter.attempt('203.0.113.3', rightPassword)).status).toBe('locked');
    expect((await limiter.attempt('198.51.100.1', rightPassword)).status).toBe('locked');
    expect(limiter.size).toBe(3);

    now += 10_000;
    expect(await limiter.attempt('203.0.113.3', rightPassword)).toEqual({ status: 'passed' });
    expect(await limiter.attempt('198.51.100.1', rightPassword)).toEqual({ status: 'passed' });
    expect(limiter.size).toBe(0);
  });
});
