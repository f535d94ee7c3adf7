import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_PAGE_SIZE } from '../resolvers/list-invite-codes.js';
import { QUERY_TOO_COMPLEX } from './error-codes.js';

/** Items assumed for a list that no argument bounds (a code's `uses`, a batch's `codes`). */
const UNBOUNDED_LIST_ITEMS = 20;
const DEFAULT_PAGE = 100;

/**
 * Refuses, before execution, operations that may return more than `maxCost` values: each field
 * costs one per item its enclosing lists may hold (`first`/`last` of connections, with the
 * variables' values; a fixed guess for unbounded lists).
 */
export function useCostLimit(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const root = args.schema.getRootType(operation.operation);
      if (!root) return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of args.document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const walker = { schema: args.schema, fragments, variables: (args.variableValues ?? {}) as Record<string, unknown> };
      const cost = selectionCost(walker, operation.selectionSet, root, 1);
      if (cost > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages or fewer nested lists`, {
              extensions: { code: QUERY_TOO_COMPLEX },
            }),
          ],
        });
      }
    },
  };
}

interface Walker {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** `pageSize`: when `parent` is a connection, the items its `edges` hold. */
function selectionCost(walker: Walker, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, pageSize = 1): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      cost += fieldCost(walker, selection, parent, multiplier, pageSize);
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walker.fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walker.schema.getType(fragment.typeCondition.name.value) : parent;
      if (condition && isCompositeType(condition)) cost += selectionCost(walker, fragment.selectionSet, condition, multiplier, pageSize);
    }
  }
  return cost;
}

function fieldCost(walker: Walker, field: FieldNode, parent: GraphQLCompositeType, multiplier: number, pageSize: number): number {
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[field.name.value] : undefined;
  if (!definition || !field.selectionSet) return multiplier; // a leaf, __typename, or a union's field
  const child = getNamedType(definition.type);
  if (!isCompositeType(child)) return multiplier;
  if (child.name.endsWith('Connection')) {
    return multiplier + selectionCost(walker, field.selectionSet, child, multiplier, requestedSize(field, walker.variables) ?? DEFAULT_PAGE);
  }
  const unwrapped = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
  const items = !isListType(unwrapped) ? 1 : field.name.value === 'edges' && parent.name.endsWith('Connection') ? pageSize : UNBOUNDED_LIST_ITEMS;
  return multiplier + selectionCost(walker, field.selectionSet, child, multiplier * items);
}

function requestedSize(field: FieldNode, variables: Record<string, unknown>): number | undefined {
  const argument = field.arguments?.find(({ name }) => name.value === 'first' || name.value === 'last');
  const requested = argument ? Number(valueFromASTUntyped(argument.value, variables)) : Number.NaN;
  // Pages above the maximum are refused by the field itself, with a clearer message.
  return Number.isFinite(requested) && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : undefined;
}
