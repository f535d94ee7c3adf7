import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlQueryable,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

const PG_INTERNAL_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Result rows (by identity) whose columns at these positions are of the "char" type. */
const charColumns = new WeakMap<object, number[]>();

function hideCharColumns<T>(result: T): T {
  const { fields, rows } = result as { fields?: { dataTypeID: number }[]; rows?: object };
  const positions: number[] = [];
  fields?.forEach((field, position) => {
    if (field.dataTypeID !== PG_INTERNAL_CHAR_OID) return;
    field.dataTypeID = PG_TEXT_OID;
    positions.push(position);
  });
  if (positions.length && rows) charColumns.set(rows, positions);
  return result;
}

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  for (const position of charColumns.get(result.rows) ?? []) result.columnTypes[position] = ColumnTypeEnum.Character;
  return result;
}

/** Applies restoreCharColumns to every query of an adapter or transaction. */
function withCharColumns<T extends SqlQueryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => restoreCharColumns(await queryRaw(query));
  const { startTransaction } = queryable as Partial<SqlDriverAdapter>;
  if (startTransaction) {
    (queryable as unknown as SqlDriverAdapter).startTransaction = async (level) =>
      withCharColumns(await startTransaction.call(queryable, level));
  }
  return queryable;
}

/**
 * The schema engine reads catalog columns of Postgres' internal "char" type (pg_class.relkind,
 * pg_constraint.contype, ...), which @prisma/adapter-pg 7.10 refuses. The client reports them
 * as text so that the adapter reads them, and withCharColumns types them as the engine expects.
 */
class CatalogClient extends pg.Client {
  // @ts-expect-error: one override for all of pg's query overloads, passing arguments through.
  override query(...args: unknown[]): unknown {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: Error | null, result: unknown) => void;
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        callback(error, error ? result : hideCharColumns(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return pending instanceof Promise ? pending.then(hideCharColumns) : pending;
  }
}

function catalogPool(config: pg.ClientConfig): pg.Pool {
  return new pg.Pool({ ...config, Client: CatalogClient as unknown as typeof pg.Client, max: 2 });
}

/**
 * PrismaPg for the schema engine, with two fixes over adapter-pg 7.10: the "char" columns
 * above, and a shadow database that is dropped only after its pool is closed (the adapter
 * drops it first, which Postgres refuses while connections are open).
 */
class MigrationPg extends PrismaPg {
  constructor(
    private readonly clientConfig: pg.ClientConfig,
    private readonly pool: pg.Pool,
  ) {
    super(pool);
  }

  override async connect() {
    return withCharColumns(await super.connect());
  }

  override async connectToShadowDb() {
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    const maintenance = new pg.Client(this.clientConfig);
    await maintenance.connect();
    await maintenance.query(`CREATE DATABASE "${database}"`);
    const shadow = withCharColumns(
      await new PrismaPg(catalogPool({ ...this.clientConfig, database }), { disposeExternalPool: true }).connect(),
    );
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await maintenance.query(`DROP DATABASE IF EXISTS "${database}"`);
      await maintenance.end();
    };
    return shadow;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A driver adapter for the schema engine, and a way to close its connections afterwards. */
export function createMigrationAdapter(connectionString: string) {
  // Settings spelled out rather than as a connection string, so that the shadow database's
  // pool can replace `database` (a connection string would override it).
  const clientConfig = parseIntoClientConfig(connectionString);
  const factory = new MigrationPg(clientConfig, catalogPool(clientConfig));
  return { adapter: bindMigrationAwareSqlAdapterFactory(factory), close: () => factory.close() };
}
