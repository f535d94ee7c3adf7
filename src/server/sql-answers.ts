import { locatedError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import { queryRow } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import { planSqlAnswer } from '../sql-answers/plan.js';
import { stringifyWithRawJson } from '../sql-answers/raw-json.js';

/**
 * Answers the listing queries (inviteCodes, accountInviteCodes) with one SQL statement that
 * builds the response's JSON, as a hand-written endpoint would; every other operation, and any
 * selection this cannot build, runs through graphql-js and Pothos as usual.
 */
export function useSqlAnswers(logger: Logger): Plugin<GraphQLContext> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const answer = planSqlAnswer(args, logger);
        if (!answer) return executeFn(args);
        const { statement, responseKey, fieldNodes } = answer;
        return queryRow(statement.text, statement.values).then(
          // yoga serialises a result with its own `stringify` when it has one.
          (row) => ({ data: { [responseKey]: statement.toValue(row) }, stringify: stringifyWithRawJson }),
          // The listing fields are non-null: an error nulls the whole response, as in graphql-js.
          (error: unknown) => ({ data: null, errors: [locatedError(error, fieldNodes, [responseKey])] }),
        );
      });
    },
  };
}
