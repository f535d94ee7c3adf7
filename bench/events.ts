// The events scenario of `npm run bench` (`--only events`): redemptions (q4-distinct's load)
// while 0, 1 and 100 admin subscribers listen over SSE. Reports redemption throughput, and per
// subscriber count the delivery latency (receipt minus the event's `at`, the gateway's clock when
// the redemption began; same machine), events delivered per second (all subscribers together,
// from the start of the load until the last event arrived), and subscribers that lacked events.
import { measure, median } from './load.js';

const QUERY = 'subscription { inviteCodeEvents { cursor kind at inviteCode { code usedCount } } }';

interface Listener {
  latencies: number[];
  count: number;
  close: () => void;
}

async function listen(url: string, authorization: string): Promise<Listener> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
    body: JSON.stringify({ query: QUERY }),
    signal: controller.signal,
  });
  const listener: Listener = { latencies: [], count: 0, close: () => controller.abort() };
  void (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const at = /"at":"([^"]+)"/.exec(message)?.[1];
          if (!at) continue;
          listener.count++;
          listener.latencies.push(Date.now() - Date.parse(at));
        }
      }
    } catch {
      // closed
    }
  })();
  return listener;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function measureEvents(
  gatewayUrl: string,
  authorization: string,
  redeemBody: () => string,
  { seconds, rounds, connections }: { seconds: number; rounds: number; connections: number },
  report: (line: string) => void,
): Promise<void> {
  report('');
  report(
    `| subscribers | redemptions/s (c=${connections}) | delivery p50 ms | delivery p99 ms | ` +
      'events delivered/s (all subscribers) | subscribers missing events after 60 s |',
  );
  report('|---|---|---|---|---|---|');
  for (const subscribers of [0, 1, 100]) {
    const rates: number[] = [];
    const p50s: number[] = [];
    const p99s: number[] = [];
    const delivered: number[] = [];
    let lost = 0;
    for (let round = 0; round < rounds; round++) {
      const listeners = await Promise.all(Array.from({ length: subscribers }, () => listen(gatewayUrl, authorization)));
      await new Promise((settle) => setTimeout(settle, 500));
      const started = Date.now();
      const load = await measure(gatewayUrl, { authorization }, redeemBody, connections, seconds);
      // Every listener must get every successful redemption (each is one USED event): wait up to 60 s.
      const successes = load.requests - load.failures;
      const waitUntil = Date.now() + 60_000;
      while (Date.now() < waitUntil && listeners.some((listener) => listener.count < successes)) {
        await new Promise((settle) => setTimeout(settle, 100));
      }
      const elapsed = (Date.now() - started) / 1000;
      rates.push(load.requestsPerSecond);
      if (subscribers > 0) {
        const latencies = listeners.flatMap((listener) => listener.latencies);
        p50s.push(percentile(latencies, 50));
        p99s.push(percentile(latencies, 99));
        delivered.push(listeners.reduce((sum, listener) => sum + listener.count, 0) / elapsed);
        lost += listeners.filter((listener) => listener.count < successes).length;
      }
      for (const listener of listeners) listener.close();
    }
    const cell = (values: number[], digits = 0) => (values.length ? median(values).toFixed(digits) : '');
    report(
      `| ${subscribers} | ${cell(rates)} | ${cell(p50s)} | ${cell(p99s)} | ${cell(delivered)} | ` +
        `${subscribers ? lost : ''} |`,
    );
  }
}
