import { complexityFromQuery } from '@pothos/plugin-complexity';
import { getOperationAST, getVariableValues, GraphQLError, Kind, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/**
 * Refuses, before execution (and before the SQL answers of listings), operations whose cost
 * exceeds `maxCost`: the complexity that the schema's fields declare (src/schema/complexity.ts),
 * with the variables coerced as execution will coerce them, the operation's defaults included.
 */
export function useCostLimit(maxCost: number): Plugin {
  const costs = new CostCache();
  const refusal = (args: ExecutionArgs) => {
    const cost = costs.get(args, operationCost);
    if (cost === undefined || cost <= maxCost) return undefined;
    return {
      errors: [
        new GraphQLError(
          `Query cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages or fewer nested lists`,
          { extensions: { code: ErrorCode.QueryTooComplex } },
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // Subscriptions (over SSE and WebSocket) never reach onExecute: each event is an execution of its own.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

/** Variables longer than this (as JSON) are costed every time rather than kept as a key. */
const MAX_KEY_LENGTH = 2_000;
/** Variants kept per document: a client paging through cursors makes a new one per page. */
const MAX_VARIANTS = 256;

/**
 * Costs by document and variables. A cost depends on nothing else (no field's complexity reads
 * the context), and yoga's parser cache hands out the same DocumentNode for the same text, so a
 * repeated request is costed by a lookup instead of a walk of its selection (about 0.1 ms for a
 * listing page with uses).
 */
class CostCache {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, number | undefined>>();

  get(args: ExecutionArgs, compute: (args: ExecutionArgs) => number | undefined): number | undefined {
    const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
    if (key.length > MAX_KEY_LENGTH) return compute(args);
    let variants = this.byDocument.get(args.document);
    if (!variants) {
      variants = new Map();
      this.byDocument.set(args.document, variants);
    }
    if (variants.has(key)) return variants.get(key);
    const cost = compute(args);
    if (variants.size >= MAX_VARIANTS) variants.delete(variants.keys().next().value as string);
    variants.set(key, cost);
    return cost;
  }
}

/**
 * The cost of the operation that will run; undefined when no operation matches or its variables
 * cannot be coerced, which execution then reports with its usual errors.
 */
function operationCost({
  schema,
  document,
  operationName,
  variableValues,
  contextValue,
}: ExecutionArgs): number | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const variables = variableValues ?? {};
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) return undefined;
  // complexityFromQuery measures the first operation of a document: here, the one that will run.
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  const selected: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  return complexityFromQuery(selected, { schema, ctx: contextValue as object, variables }).complexity;
}
