import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const MAX_OPERATION_LABELS = 200;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  /** Connections found broken since the process started. */
  connectionErrors: number;
}

export interface RequestObservation {
  operationName: string | undefined;
  durationMs: number;
  errorCodes: string[];
  /** The outcome of each redemption in the request: "ok" or the refusal reason. */
  redemptions: string[];
}

/** Prometheus metrics of one gateway, in a registry of its own. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'invitegate_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'invitegate_graphql_request_duration_seconds',
    help: 'GraphQL request durations by operation name',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'invitegate_graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly redemptions = new Counter({
    name: 'invitegate_redemptions_total',
    help: 'redeemInviteCode outcomes: ok, or the refusal reason',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(poolStats: () => PoolStats | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'invitegate_' });
    const pool = new Gauge({
      name: 'invitegate_db_pool_connections',
      help: 'Database pool connections by state (idle, busy) and requests waiting for one',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const stats = poolStats();
        if (!stats) return;
        pool.set({ state: 'idle' }, stats.idle);
        pool.set({ state: 'busy' }, stats.total - stats.idle);
        pool.set({ state: 'waiting' }, stats.waiting);
      },
    });
    // Mirrors the process-wide count kept by the pool's listeners (src/db/prisma.ts).
    let counted = 0;
    const connectionErrors = new Counter({
      name: 'invitegate_db_connection_errors_total',
      help:
        'Database connections found broken (ended by Postgres or a proxy while idle, or a failed socket); ' +
        'the pool opens others',
      registers: [this.registry],
      collect() {
        const total = poolStats()?.connectionErrors ?? counted;
        if (total > counted) connectionErrors.inc(total - counted);
        counted = total;
      },
    });
  }

  private readonly operations = new Set<string>();

  /** Operation names are chosen by clients: a bounded set of well-formed ones become labels. */
  private label(operationName: string | undefined): string {
    if (!operationName || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName)) return 'anonymous';
    if (!this.operations.has(operationName) && this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(operationName);
    return operationName;
  }

  observe({ operationName, durationMs, errorCodes, redemptions }: RequestObservation): void {
    const operation = this.label(operationName);
    this.requests.inc({ operation, outcome: errorCodes.length ? 'error' : 'ok' });
    this.durations.observe({ operation }, durationMs / 1000);
    for (const code of errorCodes) this.errors.inc({ code });
    for (const outcome of redemptions) this.redemptions.inc({ outcome });
  }
}
