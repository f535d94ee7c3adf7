import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type SchemaEngine = bindings.SchemaEngine;

const require = createRequire(import.meta.url);

// The global WebAssembly API, typed here because @types/node 20 leaves it to lib.dom.
const wasmApi = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
}).WebAssembly;
let initialised: Promise<void> | undefined;

// The package imports its .wasm as an ES module, which Node 20 allows only behind
// --experimental-wasm-modules; instantiating it here keeps plain `node` and `tsx` working.
function initialiseWasm(): Promise<void> {
  initialised ??= (async () => {
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const imports = { './schema_engine_bg.js': bindings };
    const { instance } = await wasmApi.instantiate(await readFile(wasmPath), imports);
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return initialised;
}

const PG_INTERNAL_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function reportCharAsText<T>(result: T): T {
  for (const field of (result as QueryResultLike).fields ?? []) {
    if (field.dataTypeID === PG_INTERNAL_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

/**
 * The schema engine reads catalog columns of Postgres' internal "char" type (pg_class.relkind,
 * ...), which @prisma/adapter-pg 7.10 cannot map; they arrive as one-letter strings, so
 * reporting them as text is exact.
 */
class CatalogClient extends pg.Client {
  // @ts-expect-error: one override for all of pg's query overloads, passing arguments through.
  override query(...args: unknown[]): unknown {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: Error | null, result: unknown) => void;
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        callback(error, error ? result : reportCharAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return pending instanceof Promise ? pending.then(reportCharAsText) : pending;
  }
}

/**
 * Runs `work` with Prisma's schema engine (WebAssembly build) bound to a Postgres database,
 * then frees the engine.
 */
export async function withSchemaEngine<T>(
  connectionString: string,
  datamodel: { path: string; content: string },
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await initialiseWasm();
  // Our own pool, so that it can be closed: freeing the engine leaves the adapter's pool open.
  const pool = new pg.Pool({ connectionString, Client: CatalogClient as unknown as typeof pg.Client, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[datamodel.path, datamodel.content]] },
    () => {},
    adapter,
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}
