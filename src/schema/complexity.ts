import type { FieldComplexityValue } from '@pothos/plugin-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/list-invite-codes.js';

// A field's complexity is what it costs plus its multiplier times the cost of its selection:
// the estimate of the values an operation returns, checked before execution (server/cost-limit.ts).

/** Items assumed for a list that no argument bounds (a code's `uses`, a batch's `codes`). */
export const UNBOUNDED_LIST_ITEMS = 20;

/** A list whose length no argument bounds. */
export const unboundedList: FieldComplexityValue = { field: 1, multiplier: UNBOUNDED_LIST_ITEMS };

/**
 * A connection: its selection counts once per item of the page it will return (`first` or
 * `last` as coerced, defaults applied). `pageInfo` and `totalCount` are counted per item too,
 * which overestimates a little; `edges` itself multiplies by one (builder.ts).
 */
export function pageComplexity({ first, last }: { first?: number | null; last?: number | null }): FieldComplexityValue {
  const requested = Math.max(first ?? 0, last ?? 0);
  // Pages above the maximum are refused by the field itself, with a clearer message.
  const items = first == null && last == null ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  return { field: 1, multiplier: items };
}
