import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { QUERY_TOO_COMPLEX } from './error-codes.js';

/**
 * Refuses, before execution (and before the SQL answers of listings), operations whose cost
 * exceeds `maxCost`: the complexity that the schema's fields declare (src/schema/complexity.ts),
 * with the variables coerced as execution will coerce them, the operation's defaults included.
 */
export function useCostLimit(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args);
      if (cost === undefined || cost <= maxCost) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages or fewer nested lists`, {
            extensions: { code: QUERY_TOO_COMPLEX },
          }),
        ],
      });
    },
  };
}

/**
 * The cost of the operation that will run; undefined when its variables cannot be coerced or
 * no operation matches, which execution then reports with its usual errors.
 */
function operationCost({ schema, document, operationName, variableValues, contextValue }: ExecutionArgs): number | undefined {
  let cost: number | undefined;
  const rule = createComplexityRule({
    context: contextValue as object,
    variableValues: variableValues ?? {},
    operationName,
    // Called once per measured operation (several only when no operationName picks one).
    validate: ({ complexity }) => {
      cost = Math.max(cost ?? 0, complexity);
    },
  });
  validate(schema, document, [rule]);
  return cost;
}
