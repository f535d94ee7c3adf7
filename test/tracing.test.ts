// OpenTelemetry, when configured: a span per GraphQL operation and spans for database calls.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { startTracing } from '../src/server/tracing.js';
import { AdminInviteCodesDocument } from './generated/operations.js';
import { execute, startTestGateway } from './helpers/gateway.js';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing(new SimpleSpanProcessor(exporter));
  afterAll(() => tracing.shutdown());

  it('records the operation and its database calls', async () => {
    const gateway = startTestGateway({ tracerProvider: tracing.provider });
    const result = await execute(gateway, AdminInviteCodesDocument, { first: 2 });
    expect(result.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const names = spans.map(({ name }) => name);
    const operation = spans.find(({ name }) => name.includes('AdminInviteCodes'));
    expect(operation, names.join(', ')).toBeDefined();
    // Prisma's spans, and the gateway's own for the statements it writes itself.
    const database = spans.filter(({ name }) => name.startsWith('prisma:') || name === 'db.query');
    expect(database.length, names.join(', ')).toBeGreaterThan(0);
    expect(database.some(({ attributes }) => String(attributes['db.query.text'] ?? attributes['db.statement'] ?? '').includes('invite_code'))).toBe(true);
    // Variables and results stay out of spans.
    expect(JSON.stringify(spans.map(({ attributes }) => attributes))).not.toContain('"first":2');
  });

  it('is off by default', async () => {
    exporter.reset();
    const gateway = startTestGateway();
    await execute(gateway, AdminInviteCodesDocument, { first: 1 });
    expect(exporter.getFinishedSpans().filter(({ name }) => name.includes('AdminInviteCodes'))).toEqual([]);
  });
});
