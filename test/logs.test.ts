// Logs: one line per request with its id, operation, duration and outcome; never a secret.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CreateInviteCodeDocument, MyInviteCodesDocument } from './generated/operations.js';
import {
  accountToken,
  ADMIN_PASSWORD,
  execute,
  JWT_SECRET,
  post,
  randomDid,
  startTestGateway,
} from './helpers/gateway.js';

function capturingGateway() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  return { gateway: startTestGateway({ logger: pino({ level: 'info' }, sink) }), lines };
}

describe('request logs', () => {
  it('log each request once, with the id the client got back', async () => {
    const { gateway, lines } = capturingGateway();
    const result = await execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } });
    const bad = await post(gateway, { query: '{ inviteCodes(first: 0) { totalCount } }' });
    const entries = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      requestId: result.headers.get('x-request-id'),
      operationName: 'CreateInviteCode',
      status: 200,
      outcome: 'ok',
    });
    expect(entries[0]!.durationMs).toEqual(expect.any(Number));
    expect(entries[1]).toMatchObject({
      requestId: bad.headers.get('x-request-id'),
      outcome: 'error',
      errorCodes: ['InvalidRequest'],
    });
  });

  it('never contain credentials, tokens or passwords', async () => {
    const { gateway, lines } = capturingGateway();
    const account = randomDid();
    const token = await accountToken({ sub: account });
    await execute(gateway, MyInviteCodesDocument, { account }, { authorization: token });
    await execute(
      gateway,
      MyInviteCodesDocument,
      { account },
      { authorization: `Basic ${Buffer.from('admin:wrong-password-123').toString('base64')}` },
    );
    await execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } });
    const failing = startTestGateway({
      logger: pino(
        { level: 'info' },
        new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
      ),
      generateCode: () => {
        throw new Error('boom');
      },
    });
    await execute(
      failing,
      CreateInviteCodeDocument,
      { input: { useCount: 1 } },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
    );
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const secret of [
      token.slice(7),
      token.split('.')[2]!,
      ADMIN_PASSWORD,
      'wrong-password-123',
      JWT_SECRET,
      'YWRtaW46',
      'Basic ',
      'Bearer ',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
