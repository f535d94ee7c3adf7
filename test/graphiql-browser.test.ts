// GraphiQL in a real browser (Debian's Chromium, driven by playwright-core): set the admin
// header, run the preloaded operation, see invite codes in the result pane.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodes } from './helpers/fixtures.js';
import { adminAuth, SERVICE_HOSTNAME, startTestGateway } from './helpers/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium (.ci/run); on a machine without it this test says so and is skipped.
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('GraphiQL in Chromium', () => {
  const gateway = startTestGateway();
  let server: Server;
  let prefilledServer: Server;
  let browser: Browser;
  let url = '';
  let prefilledUrl = '';

  beforeAll(async () => {
    await createCodes(gateway, { codeCount: 3, useCount: 2 });
    server = createServer(gateway);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
    // As `npm start` serves it when it generated the admin password.
    prefilledServer = createServer(startTestGateway({ prefillAdminHeader: true }));
    await new Promise<void>((listening) => prefilledServer.listen(0, '127.0.0.1', listening));
    const prefilledAddress = prefilledServer.address();
    const prefilledPort = typeof prefilledAddress === 'object' && prefilledAddress ? prefilledAddress.port : 0;
    prefilledUrl = `http://127.0.0.1:${prefilledPort}/graphql`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((closed) => server?.close(closed));
    await new Promise((closed) => prefilledServer?.close(closed));
  });

  it('with a generated password, runs the preloaded operation as admin at once', async () => {
    const page = await browser.newPage();
    await page.goto(prefilledUrl, { waitUntil: 'load' });
    await page
      .getByRole('button', { name: /execute/i })
      .first()
      .waitFor({ timeout: 20_000 });
    await page
      .getByRole('button', { name: /execute/i })
      .first()
      .click();
    const result = page.locator('.result-window, .graphiql-response').first();
    await expect.poll(async () => (await result.innerText()).includes('"totalCount"'), { timeout: 20_000 }).toBe(true);
    expect(await result.innerText()).not.toContain('AuthRequired');
    await page.screenshot({ path: 'test-results/graphiql-prefilled.png' }).catch(() => undefined);
  }, 60_000);

  it('runs the preloaded operation with the admin header and shows codes', async () => {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.getByRole('button', { name: /execute/i }).waitFor({ timeout: 20_000 });

    await page.getByText('Headers', { exact: true }).click();
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await headersEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ Authorization: adminAuth }));

    await page
      .getByRole('button', { name: /execute/i })
      .first()
      .click();
    const result = page.locator('.result-window, .graphiql-response').first();
    const prefix = SERVICE_HOSTNAME.replaceAll('.', '-');
    await expect.poll(async () => (await result.innerText()).includes(prefix), { timeout: 20_000 }).toBe(true);
    const text = await result.innerText();
    expect(text).toContain('"totalCount"');
    expect(text).not.toContain('AuthRequired');
    await page.screenshot({ path: 'test-results/graphiql.png' }).catch(() => undefined);
  }, 60_000);
});
