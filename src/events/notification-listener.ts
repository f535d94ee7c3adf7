import pg from 'pg';
import type { Logger } from '../logger.js';

export const EVENTS_CHANNEL = 'invite_code_events';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * One session connection per instance (DATABASE_LISTEN_URL: LISTEN needs a session, which a
 * transaction pooler does not keep) that LISTENs on the events channel and sends this instance's
 * wake-ups. When the connection is lost (a database restart, a proxy) it reconnects by itself,
 * with backoff, and reports each (re)connection so that the feed catches up from the table.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private sending = false;
  private sendAgain = false;

  constructor(
    private readonly url: string,
    private readonly handlers: { onNotification: () => void; onConnected: () => void },
    private readonly logger: Logger,
    private readonly connectTimeoutMs = 3_000,
  ) {}

  /** Connects in the background; resolves after the first attempt, whatever its outcome. */
  async start(): Promise<void> {
    await this.connect();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Wakes every instance (this one included); coalesced while one is being sent. */
  wakeAll(): void {
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    const client = this.client;
    if (!client) return;
    this.sending = true;
    client.query(`NOTIFY ${EVENTS_CHANNEL}`).then(
      () => this.sent(),
      () => this.sent(), // the connection's error handler reconnects; the others poll meanwhile
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private sent(): void {
    this.sending = false;
    if (!this.sendAgain) return;
    this.sendAgain = false;
    this.wakeAll();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: listenerUrl(this.url),
      connectionTimeoutMillis: this.connectTimeoutMs,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      if (this.closed) return;
      this.logger.warn({ component: 'events', error: error?.message }, 'event listener connection lost; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', () => this.handlers.onNotification());
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.closed || lost) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
    this.handlers.onConnected();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

/**
 * The URL with its application_name (the gateway's, or "invitegate") suffixed "-listener": how
 * operators tell this connection from the pool's in pg_stat_activity.
 */
function listenerUrl(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(
    'application_name',
    `${parsed.searchParams.get('application_name') ?? 'invitegate'}-listener`,
  );
  return parsed.toString();
}
