// One load measurement with autocannon.
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Mean latency in ms: autocannon's percentiles are whole milliseconds, the mean is finer. */
  mean: number;
  requests: number;
  failures: number;
}

/** `rate`, when given, caps the requests per second of all connections together (autocannon's overallRate). */
export async function measure(
  url: string,
  headers: Record<string, string>,
  body: string | (() => string),
  connections: number,
  seconds: number,
  rate?: number,
): Promise<LoadResult> {
  const base = {
    url,
    connections,
    duration: seconds,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...headers },
    ...(rate ? { overallRate: rate } : {}),
  };
  const options =
    typeof body === 'string'
      ? { ...base, body }
      : {
          ...base,
          requests: [{ method: 'POST' as const, setupRequest: (request: object) => ({ ...request, body: body() }) }],
        };
  const result = await autocannon(options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.average,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
