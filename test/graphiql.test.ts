// GraphiQL's page: small, its assets compressed and cached for good; the admin header prefilled
// only for a generated password and a browser on this machine.
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferredEncoding } from '../src/server/graphiql-assets.js';
import { adminAuth, startTestGateway } from './helpers/gateway.js';
import { type LoopbackServer, serveOnLoopback } from './helpers/loopback-server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET on a real socket (fetch would decompress and hide the encoding). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { accept: 'text/html', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const assetPaths = (page: string) =>
  [...page.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map((match) => match[1]!);

describe('GraphiQL', () => {
  const servers: LoopbackServer[] = [];
  let plain = 0;
  let prefilled = 0;

  beforeAll(async () => {
    const first = await serveOnLoopback(startTestGateway());
    const second = await serveOnLoopback(startTestGateway({ prefillAdminHeader: true }));
    servers.push(first, second);
    plain = first.port;
    prefilled = second.port;
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('is a small page that links its assets, never cached itself', async () => {
    const page = await get(plain, '/graphql');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body.length).toBeLessThan(20_000);
    const text = page.body.toString();
    expect(text).toContain('# Sign in first');
    expect(
      assetPaths(text)
        .map((path) => path.replace(/-[0-9a-f]{16}\./, '-HASH.'))
        .sort(),
    ).toEqual(['/graphiql/favicon-HASH.ico', '/graphiql/graphiql-HASH.css', '/graphiql/graphiql-HASH.js']);
    expect(text).toMatch(/\/graphiql\/editor-worker-[0-9a-f]{16}\.js/);
  });

  it('serves the assets compressed, cacheable for good, and revalidated by ETag', async () => {
    const text = (await get(plain, '/graphql')).body.toString();
    const script = assetPaths(text).find((path) => path.endsWith('.js'))!;
    const identity = await get(plain, script);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.length).toBeGreaterThan(1_000_000);
    expect(identity.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const brotli = await get(plain, script, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body.length).toBeLessThan(identity.body.length / 3);
    expect(brotliDecompressSync(brotli.body).equals(identity.body)).toBe(true);

    const gzipped = await get(plain, script, { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(identity.body)).toBe(true);

    const again = await get(plain, script, { 'if-none-match': String(identity.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await get(plain, '/graphiql/graphiql-0000000000000000.js')).status).toBe(404);
  }, 60_000);

  it('prefills the admin header for a generated password, on loopback only', async () => {
    const local = (await get(prefilled, '/graphql', { host: `127.0.0.1:${prefilled}` })).body.toString();
    expect(local).toContain(JSON.stringify(JSON.stringify({ Authorization: adminAuth }, null, 2)).slice(1, -1));
    expect(local).toContain('Signed in as admin');
    const localhost = (await get(prefilled, '/graphql', { host: `localhost:${prefilled}` })).body.toString();
    expect(localhost).toContain(adminAuth);
    // A page that rebinds its own DNS name to 127.0.0.1 sends its own Host.
    const rebound = (await get(prefilled, '/graphql', { host: 'attacker.example' })).body.toString();
    expect(rebound).not.toContain(adminAuth);
    expect(rebound).toContain('# Sign in first');
    // A password from ADMIN_PASSWORD is never put into the page.
    expect((await get(plain, '/graphql', { host: `127.0.0.1:${plain}` })).body.toString()).not.toContain(adminAuth);
  });

  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['*', 'gzip'],
    ['identity', undefined],
    [null, undefined],
  ])('Accept-Encoding %s gets %s', (header, expected) => {
    expect(preferredEncoding(header)).toBe(expected);
  });
});
