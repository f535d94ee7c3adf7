import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * After each mutation (its transaction has committed or rolled back when execution is done),
 * wakes this instance's event feed and, through it, the other instances: events reach
 * subscribers without waiting for the next poll.
 */
export function useEventWakeups(events: { written(): void }): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      return { onExecuteDone: () => events.written() };
    },
  };
}
