import type { Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  /** The gateway's connection (embedded: a role that owns the database, not a superuser). */
  url: string;
  /** For tools that need more (a shadow database): the embedded superuser, else DATABASE_URL. */
  superuserUrl: string;
  embedded: boolean;
  /** Stops the embedded Postgres, if this process started one. */
  stop(): Promise<void>;
}

/**
 * The configured Postgres (DATABASE_URL), or else the embedded one in DATA_DIR. Scripts may
 * share an embedded Postgres that a running gateway started; a second gateway may not, since
 * the first one stops it when it exits.
 */
export async function openDatabase(
  config: Config,
  { log = () => {}, exclusive = false }: { log?: (message: string) => void; exclusive?: boolean } = {},
): Promise<Database> {
  if (config.databaseUrl)
    return { url: config.databaseUrl, superuserUrl: config.databaseUrl, embedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres(config.dataDir, { log, whenInUse: exclusive ? 'refuse' : 'attach' });
  return { ...embedded, embedded: true };
}

/** Runs `work` against the database (as its superuser if asked), stopping an embedded Postgres afterwards. */
export async function withDatabase<T>(
  config: Config,
  work: (url: string) => Promise<T>,
  { superuser = false } = {},
): Promise<T> {
  const database = await openDatabase(config);
  try {
    return await work(superuser ? database.superuserUrl : database.url);
  } finally {
    await database.stop();
  }
}
