// Prometheus metrics at /metrics: requests, durations, errors, redemptions, the pool.
import { describe, expect, it } from 'vitest';
import { AdminInviteCodesDocument, RedeemInviteCodeDocument } from './generated/operations.js';
import { createCodes } from './helpers/fixtures.js';
import { adminAuth, execute, randomDid, startTestGateway } from './helpers/gateway.js';

const metricValue = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((line) => line.startsWith(`${series} `))
      ?.slice(series.length + 1) ?? Number.NaN,
  );

describe('GET /metrics', () => {
  it('counts requests, errors and redemptions by outcome, and reports the pool', async () => {
    const gateway = startTestGateway();
    const [code] = await createCodes(gateway, { useCount: 1 });
    await execute(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy: randomDid() } });
    await execute(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy: randomDid() } });
    await execute(gateway, RedeemInviteCodeDocument, { input: { code: 'no-such-code', usedBy: randomDid() } });
    await execute(gateway, AdminInviteCodesDocument, { first: 0 });

    expect((await gateway.fetch('http://yoga/metrics')).status).toBe(401);
    const response = await gateway.fetch('http://yoga/metrics', { headers: { authorization: adminAuth } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(metricValue(text, 'invitegate_redemptions_total{outcome="ok"}')).toBe(1);
    expect(metricValue(text, 'invitegate_redemptions_total{outcome="EXHAUSTED"}')).toBe(1);
    expect(metricValue(text, 'invitegate_redemptions_total{outcome="NOT_FOUND"}')).toBe(1);
    expect(metricValue(text, 'invitegate_graphql_requests_total{operation="RedeemInviteCode",outcome="error"}')).toBe(
      2,
    );
    expect(metricValue(text, 'invitegate_graphql_errors_total{code="InvalidRequest"}')).toBe(1);
    expect(metricValue(text, 'invitegate_graphql_request_duration_seconds_count{operation="AdminInviteCodes"}')).toBe(
      1,
    );
    expect(text).toMatch(/^invitegate_db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toContain('invitegate_process_resident_memory_bytes');
  });

  it('needs the token when METRICS_TOKEN is set', async () => {
    const gateway = startTestGateway({
      config: { metricsToken: 'scrape-me' },
    });
    expect((await gateway.fetch('http://yoga/metrics')).status).toBe(401);
    expect((await gateway.fetch('http://yoga/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    expect((await gateway.fetch('http://yoga/metrics', { headers: { authorization: adminAuth } })).status).toBe(401);
    expect(
      (await gateway.fetch('http://yoga/metrics', { headers: { authorization: 'Bearer scrape-me' } })).status,
    ).toBe(200);
  });
});
