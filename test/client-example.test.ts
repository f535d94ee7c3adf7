// The README's frontend example (client/dashboard-pages.ts, graphql-request with the typed
// documents codegen writes to client/generated/) against the gateway on a real port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPages } from '../client/dashboard-pages.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { adminAuth, randomDid, startTestGateway } from './helpers/gateway.js';
import { type LoopbackServer, serveOnLoopback } from './helpers/loopback-server.js';

describe('the frontend example', () => {
  const gateway = startTestGateway();
  let served: LoopbackServer;
  let endpoint = '';

  beforeAll(async () => {
    served = await serveOnLoopback(gateway);
    endpoint = `${served.origin}/graphql`;
  });
  afterAll(() => served.close());

  it('pages through an account’s codes, most used first, with typed results', async () => {
    const account = randomDid();
    const codes = await createCodes(gateway, { forAccount: account, codeCount: 5, useCount: 3 });
    await redeem(gateway, codes[2]!);
    await redeem(gateway, codes[2]!);
    await redeem(gateway, codes[4]!);

    const pages: string[][] = [];
    for await (const page of dashboardPages(endpoint, adminAuth, { filter: { forAccount: account }, pageSize: 2 })) {
      pages.push(page.map(({ code, usedCount }) => `${code}:${usedCount}`));
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const listed = pages.flat();
    expect(listed.slice(0, 2)).toEqual([`${codes[2]}:2`, `${codes[4]}:1`]);
    expect(new Set(listed.map((entry) => entry.split(':')[0]))).toEqual(new Set(codes));
  });

  it('surfaces the gateway’s errors', async () => {
    const pages = dashboardPages(endpoint, 'Basic bm9ib2R5Ondyb25n', { pageSize: 2 });
    await expect(pages.next()).rejects.toThrow(/Invalid credentials/);
  });
});
