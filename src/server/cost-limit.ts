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
  const refusal = (args: ExecutionArgs) => {
    const cost = operationCost(args);
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
