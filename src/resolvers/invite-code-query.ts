import type { Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ensureText } from './errors.js';

/** The Prisma selection the GraphQL layer asks for (it mirrors the client's selection set). */
export interface InviteCodeSelection {
  include?: Prisma.InviteCodeInclude;
  select?: Prisma.InviteCodeSelect;
}

export interface InviteCodeUseSelection {
  include?: Prisma.InviteCodeUseInclude;
  select?: Prisma.InviteCodeUseSelect;
}

/** Filters of the admin listing; `null` and absent both mean "any". */
export interface InviteCodeFilter {
  forAccount?: string | null;
  createdBy?: string | null;
  disabled?: boolean | null;
  /** true: usedCount >= available; false: usedCount < available. */
  exhausted?: boolean | null;
  /** Only codes created at or after this time. */
  createdAfter?: Date | null;
  /** Only codes created before this time. */
  createdBefore?: Date | null;
}

/** The filter, once its strings are known to be storable text; throws InvalidRequestError. */
export function checkInviteCodeFilter(filter: InviteCodeFilter): InviteCodeFilter {
  if (filter.forAccount != null) ensureText('filter.forAccount', filter.forAccount);
  if (filter.createdBy != null) ensureText('filter.createdBy', filter.createdBy);
  return filter;
}

export function inviteCodeWhere(db: Db, filter: InviteCodeFilter = {}): Prisma.InviteCodeWhereInput {
  checkInviteCodeFilter(filter);
  const where: Prisma.InviteCodeWhereInput = {};
  if (filter.forAccount != null) where.forAccount = filter.forAccount;
  if (filter.createdBy != null) where.createdBy = filter.createdBy;
  if (filter.disabled != null) where.disabled = filter.disabled;
  if (filter.exhausted != null) {
    const available = db.inviteCode.fields.available;
    where.usedCount = filter.exhausted ? { gte: available } : { lt: available };
  }
  if (filter.createdAfter != null || filter.createdBefore != null) {
    where.createdAt = { gte: filter.createdAfter ?? undefined, lt: filter.createdBefore ?? undefined };
  }
  return where;
}

/** Newest use first, as the PDS returns `uses`; the DID breaks ties so the order is total. */
export const USES_ORDER: Prisma.InviteCodeUseOrderByWithRelationInput[] = [{ usedAt: 'desc' }, { usedBy: 'desc' }];
