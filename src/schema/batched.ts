import type { GraphQLResolveInfo } from 'graphql';

/**
 * Per-request batching for fields of objects that are not Prisma rows (Account): graphql-js
 * resolves a field for every item of a list before any of them settles, so the calls of one
 * field (same field nodes, same arguments) made in one turn of the event loop become one load,
 * and nested reads cost a statement per level instead of one per parent.
 */
type Load<V> = (keys: string[]) => Promise<ReadonlyMap<string, V>>;

interface Pending {
  keys: Set<string>;
  result: Promise<ReadonlyMap<string, unknown>>;
}

const pendingByContext = new WeakMap<object, WeakMap<object, Map<string, Pending>>>();

export function loadBatched<V>(
  context: object,
  info: GraphQLResolveInfo,
  args: unknown,
  key: string,
  load: Load<V>,
): Promise<V | undefined> {
  let byNodes = pendingByContext.get(context);
  if (!byNodes) {
    byNodes = new WeakMap();
    pendingByContext.set(context, byNodes);
  }
  // graphql-js hands every item of a list the same fieldNodes array.
  let byArgs = byNodes.get(info.fieldNodes);
  if (!byArgs) {
    byArgs = new Map();
    byNodes.set(info.fieldNodes, byArgs);
  }
  const argsKey = JSON.stringify(args ?? {});
  let pending = byArgs.get(argsKey);
  if (!pending) {
    const keys = new Set<string>();
    const batches = byArgs;
    const result = new Promise<ReadonlyMap<string, unknown>>((resolve, reject) => {
      // After every resolver of this turn was called (setImmediate runs after promise jobs).
      setImmediate(() => {
        batches.delete(argsKey);
        load([...keys]).then(resolve, reject);
      });
    });
    pending = { keys, result };
    byArgs.set(argsKey, pending);
  }
  pending.keys.add(key);
  return pending.result.then((values) => values.get(key) as V | undefined);
}
