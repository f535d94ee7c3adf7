// Requests that cannot run as sent are told what to send, with the status' reason phrase.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestGateway } from './helpers/gateway.js';
import { type LoopbackServer, serveOnLoopback } from './helpers/loopback-server.js';

interface Reply {
  status: number;
  reason: string;
  message: string;
  code: string;
}

describe('hints for requests that cannot run', () => {
  const gateway = startTestGateway();
  let served: LoopbackServer;
  let port = 0;

  beforeAll(async () => {
    served = await serveOnLoopback(gateway);
    port = served.port;
  });
  afterAll(() => served.close());

  /** `body` undefined: no body at all (curl -X POST); an array: sent in chunks, with no length. */
  function send(method: string, headers: Record<string, string>, body?: string | string[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const path = method === 'GET' ? '/graphql?query=%7B__typename%7D' : '/graphql';
      const length = typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {};
      const req = httpRequest(
        { host: '127.0.0.1', port, path, method, headers: { accept: 'application/json', ...length, ...headers } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const { errors } = JSON.parse(text) as { errors?: { message: string; extensions: { code: string } }[] };
            resolve({
              status: res.statusCode ?? 0,
              reason: res.statusMessage ?? '',
              message: errors?.[0]?.message ?? '',
              code: errors?.[0]?.extensions.code ?? '',
            });
          });
        },
      );
      req.on('error', reject);
      if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
      else if (body !== undefined) req.write(body);
      req.end();
    });
  }

  const query = '{"query":"{ __typename }"}';

  it('a POST without a JSON content type is told to add it', async () => {
    const cases: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-yoga-csrf': '1' },
    ];
    for (const headers of cases) {
      const reply = await send('POST', headers, query);
      expect(reply).toMatchObject({ status: 415, reason: 'Unsupported Media Type', code: 'InvalidRequest' });
      expect(reply.message).toContain('"Content-Type: application/json"');
    }
  });

  it('a POST with no body is told what to send, not that it was chunked', async () => {
    const reply = await send('POST', { 'content-type': 'application/json' });
    expect(reply).toMatchObject({ status: 400, reason: 'Bad Request', code: 'InvalidRequest' });
    expect(reply.message).toContain('has no body');
    expect(reply.message).not.toContain('chunked');
  });

  it('a chunked POST gets 411 Length Required', async () => {
    const reply = await send('POST', { 'content-type': 'application/json' }, ['{"query":', '"{ __typename }"}']);
    expect(reply).toMatchObject({ status: 411, reason: 'Length Required', code: 'InvalidRequest' });
    expect(reply.message).toContain('Content-Length');
  });

  it('a GET without the CSRF header is told which header to add', async () => {
    const reply = await send('GET', {});
    expect(reply).toMatchObject({ status: 403, reason: 'Forbidden', code: 'Forbidden' });
    expect(reply.message).toContain('"x-graphql-yoga-csrf: 1"');
    expect(await send('GET', { 'x-graphql-yoga-csrf': '1' })).toMatchObject({ status: 200, message: '' });
  });

  it('Basic credentials that are not base64 are told so, without echoing them', async () => {
    const result = await post(
      gateway,
      { query: '{ inviteCode(code: "x") { code } }' },
      'Basic admin:not-encoded-secret',
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    expect(result.errors?.[0]?.message).toContain('must be the base64 of "admin:<password>"');
    expect(result.errors?.[0]?.message).not.toContain('not-encoded-secret');
    const wrong = await post(
      gateway,
      { query: '{ inviteCode(code: "x") { code } }' },
      `Basic ${Buffer.from('admin:wrong').toString('base64')}`,
    );
    expect(wrong.errors?.[0]?.message).toBe('Invalid credentials: wrong admin credentials');
  });

  it('401 and 429 carry their reason phrases', async () => {
    const locking = await serveOnLoopback(startTestGateway({ authFailures: { maxFailures: 1, windowMs: 60_000 } }));
    const base = locking.origin;
    try {
      const wrong = { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` };
      const metrics = await fetch(`${base}/metrics`, { headers: wrong });
      expect([metrics.status, metrics.statusText]).toEqual([401, 'Unauthorized']);
      const locked = await fetch(`${base}/metrics`, { headers: wrong });
      expect([locked.status, locked.statusText]).toEqual([429, 'Too Many Requests']);
    } finally {
      await locking.close();
    }
  });

  it('AuthRequired names both schemes', async () => {
    const result = await post(gateway, { query: '{ inviteCode(code: "x") { code } }' }, null);
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    expect(result.errors?.[0]?.message).toMatch(/Basic <base64 of admin:password>.*Bearer <access token>/);
  });
});
