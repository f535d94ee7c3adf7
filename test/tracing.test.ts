// OpenTelemetry, when configured: a span per GraphQL operation and spans for database calls.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { startTracing } from '../src/server/tracing.js';
import { AdminInviteCodesDocument } from './generated/operations.js';
import { createCodes } from './helpers/fixtures.js';
import { execute, randomDid, startTestGateway } from './helpers/gateway.js';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing(new SimpleSpanProcessor(exporter));
  afterAll(() => tracing.shutdown());

  it('records the operation and its database calls, without variables or results', async () => {
    const gateway = startTestGateway({ tracerProvider: tracing.provider });
    const account = randomDid();
    const codes = await createCodes(gateway, { forAccount: account, codeCount: 2 });
    exporter.reset();
    const result = await execute(gateway, AdminInviteCodesDocument, { first: 2, filter: { forAccount: account } });
    expect(result.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const names = spans.map(({ name }) => name);
    const operation = spans.find(({ name }) => name.includes('AdminInviteCodes'));
    expect(operation, names.join(', ')).toBeDefined();
    // Prisma's spans, and the gateway's own for the statements it writes itself.
    const database = spans.filter(({ name }) => name.startsWith('prisma:') || name === 'db.query');
    expect(database.length, names.join(', ')).toBeGreaterThan(0);
    expect(
      database.some(({ attributes }) =>
        String(attributes['db.query.text'] ?? attributes['db.statement'] ?? '').includes('invite_code'),
      ),
    ).toBe(true);
    expect(result.data?.inviteCodes.edges.map(({ node }) => node.code).sort()).toEqual([...codes].sort());
    // Variables (the account) and results (its codes) stay out of spans, their attributes and events.
    const recorded = JSON.stringify(spans.map(({ attributes, events }) => ({ attributes, events })));
    for (const secret of [account, ...codes]) expect(recorded).not.toContain(secret);
  });

  it('is off by default', async () => {
    exporter.reset();
    const gateway = startTestGateway();
    await execute(gateway, AdminInviteCodesDocument, { first: 1 });
    expect(exporter.getFinishedSpans().filter(({ name }) => name.includes('AdminInviteCodes'))).toEqual([]);
  });
});
