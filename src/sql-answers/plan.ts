import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { GraphQLContext } from '../context.js';
import type { Logger } from '../logger.js';
import { DomainError } from '../errors.js';
import { declarationOf, filterConditionsIn } from '../schema/sql-declarations.js';
import { collectFields, type Fragments } from './collect-fields.js';
import {
  connectionStatement,
  keyedRootStatement,
  listStatement,
  type SqlAnswerStatement,
} from './listing-statements.js';
import { Compilation } from './object-json.js';
import { Refusal } from './refusal.js';
import { ScopeCheck, type ScopeObligation } from './scopes.js';

/** A query answered by one SQL statement that builds the response's JSON. */
export interface SqlAnswer {
  responseKey: string;
  fieldNodes: FieldNode[];
  statement: SqlAnswerStatement;
}

const fragmentsByDocument = new WeakMap<DocumentNode, Fragments>();

function fragmentsOf(document: DocumentNode): Fragments {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    const definitions = document.definitions.filter(
      (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
    );
    fragments = new Map(definitions.map((definition) => [definition.name.value, definition]));
    fragmentsByDocument.set(document, fragments);
  }
  return fragments;
}

interface Compiled extends SqlAnswer {
  obligations: ScopeObligation[];
}

// Statements depend only on the document and its variables; yoga hands the same parsed document
// to repeated operations, so a repeated request skips compiling (its caller's scopes are still
// checked). Bounded per document: clients that send ever new variables (cursors) compile anew.
const compiledByDocument = new WeakMap<DocumentNode, Map<string, Compiled>>();
const MAX_COMPILED_PER_DOCUMENT = 32;

function compile({ schema, document, operationName, variableValues }: ExecutionArgs): Compiled | undefined {
  const operation = getOperationAST(document, operationName);
  const queryType = schema.getQueryType();
  if (operation?.operation !== OperationTypeNode.QUERY || !queryType) return undefined;
  const fragments = fragmentsOf(document);
  const root = collectFields([operation.selectionSet], queryType.name, fragments);
  const only = root?.size === 1 ? [...root][0] : undefined;
  if (!only) return undefined;
  const [responseKey, fieldNodes] = only;
  const field = queryType.getFields()[fieldNodes[0]!.name.value];
  if (!field) return undefined;
  const declaration = declarationOf(field);
  const kind = declaration?.kind;
  if (kind !== 'connection' && kind !== 'list' && kind !== 'keyedRoot') return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {});
  if (variables.errors) return undefined;
  const args = getArgumentValues(field, fieldNodes[0]!, variables.coerced);
  const compilation = new Compilation(fragments, variables.coerced, schema);
  compilation.require(queryType, field, {}, args);
  let statement: SqlAnswerStatement;
  if (declaration?.kind === 'keyedRoot')
    statement = keyedRootStatement(field, declaration.key(args), fieldNodes, compilation);
  else if (declaration?.kind === 'connection') {
    const conditions = filterConditionsIn(schema, declaration.filterType);
    statement = connectionStatement(field, declaration.page(args), conditions, fieldNodes, compilation);
  } else if (declaration?.kind === 'list') {
    const conditions = filterConditionsIn(schema, declaration.filterType);
    statement = listStatement(field, declaration.rows(args), conditions, fieldNodes, compilation);
  } else return undefined;
  return { responseKey, fieldNodes, statement, obligations: compilation.obligations };
}

function plan(args: ExecutionArgs): SqlAnswer | undefined {
  let compiled = compiledByDocument.get(args.document);
  if (!compiled) {
    compiled = new Map();
    compiledByDocument.set(args.document, compiled);
  }
  const key = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
  let answer = compiled.get(key);
  if (!answer) {
    answer = compile(args);
    if (!answer) return undefined;
    if (compiled.size >= MAX_COMPILED_PER_DOCUMENT) compiled.clear();
    compiled.set(key, answer);
  }
  new ScopeCheck(args.contextValue as GraphQLContext).ensureAll(answer.obligations);
  return answer;
}

/**
 * The SQL answer of a validated query, when it has one: a single listing field whose whole
 * selection Postgres can build as JSON from the schema's declarations, valid arguments, and a
 * caller whom the schema's scopes allow every field it selects. Undefined otherwise: graphql-js
 * then executes it (and reports what is wrong with it). Refusals and invalid arguments are
 * expected and quiet; any other failure is a bug, logged with the request id.
 */
export function planSqlAnswer(args: ExecutionArgs, logger: Logger): SqlAnswer | undefined {
  try {
    return plan(args);
  } catch (error) {
    if (error instanceof Refusal || error instanceof GraphQLError || error instanceof DomainError) return undefined;
    const { requestId } = (args.contextValue ?? {}) as Partial<GraphQLContext>;
    logger.error({ err: error, requestId }, 'SQL answer failed to plan; graphql-js answers instead');
    return undefined;
  }
}
