import type { Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ensureText } from './checks.js';

/** The Prisma selection the GraphQL layer asks for (it mirrors the client's selection set). */
export interface InviteCodeSelection {
  include?: Prisma.InviteCodeInclude;
  select?: Prisma.InviteCodeSelect;
}

export interface InviteCodeUseSelection {
  include?: Prisma.InviteCodeUseInclude;
  select?: Prisma.InviteCodeUseSelect;
}

export type InviteCodeField = Prisma.InviteCodeScalarFieldEnum;
export type Comparison = 'equals' | 'not' | 'lt' | 'lte' | 'gt' | 'gte';

/**
 * What one filter key means, as data. The schema declares it on the input field; both Prisma's
 * `where` (below) and the SQL answers' WHERE are made from it.
 */
export type FilterCondition =
  /** `field <op> value`. */
  | { field: InviteCodeField; op: Comparison }
  /** A boolean key: true keeps the rows where `left <op> right`, false the others. */
  | { compare: readonly [InviteCodeField, Comparison, InviteCodeField] };

/** Every key of a filter input type, with its condition (undefined: the key declares none). */
export type FilterConditions = ReadonlyMap<string, FilterCondition | undefined>;

/** Values of a filter input; `null` and absent both mean "any". */
export type InviteCodeFilter = Readonly<Record<string, string | boolean | Date | null | undefined>>;

export const NEGATED: Record<Comparison, Comparison> = {
  equals: 'not',
  not: 'equals',
  lt: 'gte',
  gte: 'lt',
  lte: 'gt',
  gt: 'lte',
};

/** The keys of the filter that are set, with their conditions; throws InvalidRequestError on a bad value. */
export function ensureInviteCodeFilter(
  filter: InviteCodeFilter,
  conditions: FilterConditions,
): [FilterCondition, string | boolean | Date][] {
  const set: [FilterCondition, string | boolean | Date][] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    const condition = conditions.get(key);
    // A key the schema gives no meaning must never be ignored: that would return unfiltered rows.
    if (!condition) throw new Error(`filter key "${key}" declares no condition`);
    if ('compare' in condition && typeof value !== 'boolean')
      throw new Error(`filter key "${key}" compares fields: it must be a Boolean`);
    if (typeof value === 'string') ensureText(`filter.${key}`, value);
    set.push([condition, value]);
  }
  return set;
}

export function inviteCodeWhere(
  db: Db,
  filter: InviteCodeFilter,
  conditions: FilterConditions,
): Prisma.InviteCodeWhereInput {
  const and = ensureInviteCodeFilter(filter, conditions).map(([condition, value]): Prisma.InviteCodeWhereInput => {
    if ('field' in condition) return { [condition.field]: { [condition.op]: value } };
    const [left, op, right] = condition.compare;
    return { [left]: { [value ? op : NEGATED[op]]: db.inviteCode.fields[right] } };
  });
  return { AND: and };
}

/** Newest use first, as the PDS returns `uses`; the DID breaks ties so the order is total. */
export const USES_ORDER: Prisma.InviteCodeUseOrderByWithRelationInput[] = [{ usedAt: 'desc' }, { usedBy: 'desc' }];
