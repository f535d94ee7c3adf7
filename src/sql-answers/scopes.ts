import { isThenable } from '@pothos/core';
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { GraphQLField, GraphQLObjectType } from 'graphql';
import type { GraphQLContext } from '../context.js';
import { builder } from '../schema/builder.js';
import { Refusal } from './refusal.js';

/** Values that every row of a listing holds (the filter's equalities, such as forAccount). */
export type Guaranteed = Readonly<Record<string, unknown>>;

type ScopeMap = Parameters<RequestCache<never>['evaluateScopeMap']>[0];
type ScopeOption = ScopeMap | ((...args: unknown[]) => unknown);

/** The scope-auth options Pothos keeps on built types and fields (extensions.pothosOptions). */
interface ScopeOptions {
  authScopes?: ScopeOption;
  grantScopes?: unknown;
  runScopesOnType?: boolean;
  skipTypeScopes?: boolean;
  skipInterfaceScopes?: boolean;
}

const optionsOf = (owner: { extensions: Readonly<Record<string, unknown>> }) =>
  (owner.extensions.pothosOptions ?? {}) as ScopeOptions;

interface StandIn {
  values: Guaranteed;
  what: string;
}

function refuse({ what }: StandIn, key: string | symbol): never {
  throw new Refusal(`a scope reads ${what}.${String(key)}, which differs from row to row`);
}

/**
 * A stand-in for a parent row (or for `info`) handed to scope functions: it answers what every
 * row holds and refuses anything else, so a scope that depends on another value of each row
 * sends the query to graphql-js, which checks it row by row.
 */
const STAND_IN: ProxyHandler<StandIn> = {
  get: (target, key) =>
    typeof key === 'string' && Object.hasOwn(target.values, key) ? target.values[key] : refuse(target, key),
  has: refuse,
  ownKeys: (target) => refuse(target, '*'),
  getOwnPropertyDescriptor: refuse,
};

const NO_INFO = new Proxy({ values: {}, what: 'info' }, STAND_IN);

/** A scoped field that a statement reads, for rows that each hold `guaranteed`. */
export interface ScopeObligation {
  type: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  guaranteed: Guaranteed;
  args: Record<string, unknown>;
}

const scoped = new WeakMap<GraphQLField<unknown, unknown>, boolean>();

/** Whether any scope-auth option applies to the field (of the type that declares it). */
export function hasScopes(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  let found = scoped.get(field);
  if (found === undefined) {
    const options = [optionsOf(type), optionsOf(field), ...type.getInterfaces().map(optionsOf)];
    found = options.some(
      ({ authScopes, grantScopes, runScopesOnType }) =>
        authScopes !== undefined || grantScopes !== undefined || runScopesOnType,
    );
    scoped.set(field, found);
  }
  return found;
}

/**
 * The schema's authScopes, evaluated as plugin-scope-auth evaluates them when it resolves a
 * field (type scopes unless skipTypeScopes, interface scopes, the field's own; any-of maps,
 * $any/$all, loaders), with the builder's scope initializer and the request's own scope cache.
 */
export class ScopeCheck {
  private readonly cache: RequestCache<never>;

  constructor(private readonly context: GraphQLContext) {
    this.cache = RequestCache.fromContext(context, builder) as unknown as RequestCache<never>;
    if (builder.options.scopeAuth?.runScopesOnType) throw new Refusal('runScopesOnType: type scopes run per object');
  }

  ensureAll(obligations: readonly ScopeObligation[]): void {
    for (const { type, field, guaranteed, args } of obligations) this.ensureAllowed(type, field, guaranteed, args);
  }

  /** Throws Refusal unless the caller may read `field` of every row (each holding `guaranteed`). */
  ensureAllowed(
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    guaranteed: Guaranteed,
    args: Record<string, unknown> = {},
  ): void {
    const typeOptions = optionsOf(type);
    const fieldOptions = optionsOf(field);
    if (typeOptions.grantScopes || fieldOptions.grantScopes)
      throw new Refusal(`${type.name}.${field.name}: grantScopes depend on the response path`);
    if (typeOptions.runScopesOnType) throw new Refusal(`${type.name}: runScopesOnType`);
    const typeScopes = fieldOptions.skipTypeScopes ? undefined : typeOptions.authScopes;
    const interfaces = fieldOptions.skipInterfaceScopes || typeOptions.skipInterfaceScopes ? [] : type.getInterfaces();
    const faceScopes = interfaces.map((face) => optionsOf(face).authScopes).filter((scopes) => scopes !== undefined);
    if (typeScopes === undefined && fieldOptions.authScopes === undefined && faceScopes.length === 0) return;
    const parent = new Proxy({ values: guaranteed, what: type.name }, STAND_IN);
    for (const scopes of [typeScopes, ...faceScopes])
      this.ensure(type, field, typeof scopes === 'function' ? scopes(parent, this.context) : scopes);
    const scopes = fieldOptions.authScopes;
    this.ensure(type, field, typeof scopes === 'function' ? scopes(parent, args, this.context, NO_INFO) : scopes);
  }

  private ensure(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>, map: unknown): void {
    if (map === undefined) return;
    const where = () => `${type.name}.${field.name}`;
    if (isThenable(map)) throw new Refusal(`${where()}: asynchronous scopes`);
    const failure = this.cache.evaluateScopeMap(map as ScopeMap);
    if (isThenable(failure)) throw new Refusal(`${where()}: asynchronous scopes`);
    if (failure) throw new Refusal(`${where()}: not allowed to this caller`);
  }
}
