import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { Caller } from '../../auth/credentials.js';
import type { GraphQLContext } from '../../context.js';
import { readListingArgs, type ListInviteCodesArgs } from '../list-invite-codes.js';
import { collectFields, type Fragments } from './collect-fields.js';
import { accountInviteCodesStatement, inviteCodesStatement, type SqlAnswerStatement } from './listing-statements.js';

/** A query answered by one SQL statement that builds the response's JSON. */
export interface SqlAnswer {
  responseKey: string;
  fieldNodes: FieldNode[];
  statement: SqlAnswerStatement;
}

type StatementFor = (args: Record<string, unknown>, caller: Caller, nodes: FieldNode[], fragments: Fragments) => SqlAnswerStatement | undefined;

// Each one only for callers the schema lets see every field it answers; the rest goes to graphql-js.
const STATEMENTS = new Map<string, StatementFor>([
  [
    'inviteCodes',
    (args, caller, nodes, fragments) => {
      if (caller.kind !== 'admin') return undefined;
      // getArgumentValues coerced them to the schema's types: those of ListInviteCodesArgs.
      return inviteCodesStatement(readListingArgs(args as ListInviteCodesArgs), nodes, fragments);
    },
  ],
  [
    'accountInviteCodes',
    (args, caller, nodes, fragments) => {
      const account = args.account as string;
      if (caller.kind !== 'admin' && !(caller.kind === 'account' && caller.did === account)) return undefined;
      return accountInviteCodesStatement({ account, includeUsed: (args.includeUsed as boolean | null) ?? true }, nodes, fragments);
    },
  ],
]);

const fragmentsByDocument = new WeakMap<DocumentNode, Fragments>();

function fragmentsOf(document: DocumentNode): Fragments {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    const definitions = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
    fragments = new Map(definitions.map((definition) => [definition.name.value, definition]));
    fragmentsByDocument.set(document, fragments);
  }
  return fragments;
}

/**
 * The SQL answer of a validated query, when it has one: a single listing field whose whole
 * selection Postgres can build as JSON, valid arguments, and a caller allowed to see it all.
 * Undefined otherwise: graphql-js then executes it (and reports what is wrong with it).
 */
export function planSqlAnswer({ schema, document, operationName, variableValues, contextValue }: ExecutionArgs): SqlAnswer | undefined {
  const operation = getOperationAST(document, operationName);
  const queryType = schema.getQueryType();
  if (operation?.operation !== OperationTypeNode.QUERY || !queryType) return undefined;
  const fragments = fragmentsOf(document);
  const root = collectFields([operation.selectionSet], queryType.name, fragments);
  const only = root?.size === 1 ? [...root][0] : undefined;
  if (!only) return undefined;
  const [responseKey, fieldNodes] = only;
  const name = fieldNodes[0]!.name.value;
  const statementFor = STATEMENTS.get(name);
  const field = queryType.getFields()[name];
  if (!statementFor || !field) return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {});
  if (variables.errors) return undefined;
  try {
    const args = getArgumentValues(field, fieldNodes[0]!, variables.coerced);
    const statement = statementFor(args, (contextValue as GraphQLContext).caller, fieldNodes, fragments);
    return statement && { responseKey, fieldNodes, statement };
  } catch {
    return undefined; // invalid arguments: graphql-js reports them with their codes
  }
}
