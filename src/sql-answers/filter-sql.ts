import {
  ensureInviteCodeFilter,
  NEGATED,
  type Comparison,
  type FilterConditions,
  type InviteCodeFilter,
} from '../resolvers/invite-code-query.js';
import { columnOf, sqlTypeOf } from './prisma-model.js';
import { Refusal } from './refusal.js';
import type { Guaranteed } from './scopes.js';

export class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.values.length}::${type}`;
  }
}

const OPERATORS: Record<Comparison, string> = { equals: '=', not: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Refuses a filter that sets a key whose input field declares no condition (never ignore it). */
function ensureDeclared(filter: InviteCodeFilter, conditions: FilterConditions): void {
  for (const [key, value] of Object.entries(filter)) {
    if (value != null && !conditions.get(key)) throw new Refusal(`filter key ${key} declares no condition`);
  }
}

/** What every row that passes the filter holds: its equalities (forAccount = the account, ...). */
export function guaranteedBy(filter: InviteCodeFilter, conditions: FilterConditions): Guaranteed {
  ensureDeclared(filter, conditions);
  const guaranteed: Record<string, unknown> = {};
  for (const [condition, value] of ensureInviteCodeFilter(filter, conditions)) {
    if ('field' in condition && condition.op === 'equals') guaranteed[condition.field] = value;
  }
  return guaranteed;
}

/** The filter's conditions on the rows `alias` of `model`, as inviteCodeWhere makes them for Prisma. */
export function filterSql(
  model: string,
  alias: string,
  filter: InviteCodeFilter,
  conditions: FilterConditions,
  parameters: Parameters,
): string[] {
  ensureDeclared(filter, conditions);
  return ensureInviteCodeFilter(filter, conditions).map(([condition, value]) => {
    if ('field' in condition) {
      const parameter = parameters.add(value, sqlTypeOf(model, condition.field));
      return `${alias}.${columnOf(model, condition.field)} ${OPERATORS[condition.op]} ${parameter}`;
    }
    const [left, op, right] = condition.compare;
    const operator = OPERATORS[value ? op : NEGATED[op]];
    return `${alias}.${columnOf(model, left)} ${operator} ${alias}.${columnOf(model, right)}`;
  });
}

export const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
