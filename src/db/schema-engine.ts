import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createMigrationAdapter } from './migration-adapter.js';

export type SchemaEngine = bindings.SchemaEngine;

const require = createRequire(import.meta.url);

// The global WebAssembly API, typed here because @types/node 20 leaves it to lib.dom.
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;
let initialised: Promise<void> | undefined;

// The package imports its .wasm as an ES module, which Node 20 allows only behind
// --experimental-wasm-modules; instantiating it here keeps plain `node` and `tsx` working.
function initialiseWasm(): Promise<void> {
  initialised ??= (async () => {
    // Where the engine reports a Rust panic before it throws (the Prisma CLI sets the same).
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => console.error(`schema engine panicked: ${message}`),
    };
    const wasmPath = join(
      dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    );
    const imports = { './schema_engine_bg.js': bindings };
    const { instance } = await wasmApi.instantiate(await readFile(wasmPath), imports);
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return initialised;
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
  // Freeing the engine leaves the adapter's connections open: close them ourselves.
  const { adapter, close } = createMigrationAdapter(connectionString);
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[datamodel.path, datamodel.content]] },
    () => {},
    adapter,
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await close();
  }
}
