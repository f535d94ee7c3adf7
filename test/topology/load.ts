// A small HTTP load generator for the topology: keep-alive connections (optionally from a given
// loopback address, so that the balancer sees distinct clients), every answer read and judged.
import { Agent, request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function agentFrom(localAddress?: string, maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, localAddress });
}

const defaultAgent = agentFrom();

export function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  agent: Agent = defaultAgent,
): Promise<Answer> {
  return new Promise((answered, failed) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => answered({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', failed);
      },
    );
    req.on('error', failed);
    req.end(body);
  });
}

export interface LoadReport {
  requests: number;
  /** Requests that failed: a socket error, a status other than 200, or a GraphQL error. */
  errors: number;
  /** The first few failures, for the test's message. */
  samples: string[];
  /** Answers per instance (HAProxy's X-Served-By). */
  servedBy: Record<string, number>;
  latenciesMs: number[];
}

/** `connections` clients sending `body()` back to back until `running()` turns false. */
export async function runLoad({
  url,
  body,
  headers = {},
  connections,
  running,
}: {
  url: string;
  body: () => string;
  headers?: Record<string, string>;
  connections: number;
  running: () => boolean;
}): Promise<LoadReport> {
  const report: LoadReport = { requests: 0, errors: 0, samples: [], servedBy: {}, latenciesMs: [] };
  const agent = agentFrom(undefined, connections);
  const fail = (why: string) => {
    report.errors++;
    if (report.samples.length < 10) report.samples.push(why);
  };
  const client = async () => {
    while (running()) {
      const started = performance.now();
      try {
        const answer = await post(url, body(), headers, agent);
        report.latenciesMs.push(performance.now() - started);
        report.requests++;
        const server = String(answer.headers['x-served-by'] ?? 'unknown');
        report.servedBy[server] = (report.servedBy[server] ?? 0) + 1;
        if (answer.status !== 200) fail(`${answer.status} ${answer.body.slice(0, 200)}`);
        else if ((JSON.parse(answer.body) as { errors?: unknown }).errors) fail(answer.body.slice(0, 300));
      } catch (error) {
        report.requests++;
        fail(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return report;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
