import type { Db } from '../db/prisma.js';
import type { InviteCode, InviteCodeUse, Prisma } from '../generated/prisma/client.js';
import { ADMIN } from './create-invite-codes.js';
import {
  inviteCodeWhere,
  type FilterConditions,
  type InviteCodeFilter,
  type InviteCodeSelection,
  type InviteCodeUseSelection,
} from './invite-code-query.js';
import type { InviteePosition } from './invitee-cursor.js';

// Reads of the invite graph for many accounts at once (the GraphQL layer batches the accounts
// of one nesting level), each one statement. Accounts are DIDs: there is no account table.

export interface AccountCodesArgs {
  includeUsed?: boolean | null;
  includeDisabled?: boolean | null;
}

/** An account's codes as InviteCodeFilter values (with its DID as forAccount), so both paths share them. */
export const accountCodesFilter = ({ includeUsed, includeDisabled }: AccountCodesArgs): InviteCodeFilter => ({
  disabled: (includeDisabled ?? false) ? null : false,
  exhausted: (includeUsed ?? true) ? null : false,
});

/** Oldest first; the code breaks ties. */
export const ACCOUNT_CODES_ORDER: Prisma.InviteCodeOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { code: 'asc' }];

/** Codes whose forAccount is one of `dids` and that pass `filter`, oldest first, by owner. */
export async function listCodesOfAccounts(
  db: Db,
  dids: string[],
  filter: InviteCodeFilter,
  conditions: FilterConditions,
  selection: InviteCodeSelection,
): Promise<Map<string, InviteCode[]>> {
  const codes = await db.inviteCode.findMany({
    ...withField(selection, 'forAccount'),
    where: { AND: [{ forAccount: { in: dids } }, inviteCodeWhere(db, filter, conditions)] },
    orderBy: ACCOUNT_CODES_ORDER,
  });
  return groupBy(codes, ({ forAccount }) => forAccount);
}

/** The use that invited each of `dids` (at most one each). */
export async function findUsesOfInvitees(
  db: Db,
  dids: string[],
  selection: InviteCodeUseSelection,
): Promise<Map<string, InviteCodeUse>> {
  const uses = await db.inviteCodeUse.findMany({ ...withField(selection, 'usedBy'), where: { usedBy: { in: dids } } });
  return new Map(uses.map((use) => [use.usedBy, use]));
}

/** The inviter of each of `dids`: the owner of the code it used, unless that is "admin". */
export async function findInviters(db: Db, dids: string[]): Promise<Map<string, string>> {
  const uses = await db.inviteCodeUse.findMany({
    where: { usedBy: { in: dids }, inviteCode: { forAccount: { not: ADMIN } } },
    select: { usedBy: true, inviteCode: { select: { forAccount: true } } },
  });
  return new Map(uses.map(({ usedBy, inviteCode }) => [usedBy, inviteCode.forAccount]));
}

/** How many accounts used each account's codes. */
export async function countInvitees(db: Db, dids: string[]): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ owner: string; count: number }[]>`
    SELECT c.for_account AS owner, count(*)::int AS count
    FROM invite_code c JOIN invite_code_use u ON u.code = c.code
    WHERE c.for_account = ANY(${dids}::text[]) GROUP BY c.for_account`;
  return new Map(rows.map(({ owner, count }) => [owner, count]));
}

export interface InviteePage {
  first: number;
  after?: InviteePosition;
}

/**
 * A page of each account's invitees, newest use first (usedAt desc, usedBy desc), with one
 * more row than the page when there is one: one statement for every account.
 */
export async function listInvitees(
  db: Db,
  dids: string[],
  { first, after }: InviteePage,
): Promise<Map<string, InviteePosition[]>> {
  const rows = await db.$queryRaw<(InviteePosition & { owner: string })[]>`
    SELECT owner, used_at AS "usedAt", used_by AS "usedBy" FROM (
      SELECT c.for_account AS owner, u.used_at, u.used_by,
        row_number() OVER (PARTITION BY c.for_account ORDER BY u.used_at DESC, u.used_by DESC) AS n
      FROM invite_code c JOIN invite_code_use u ON u.code = c.code
      WHERE c.for_account = ANY(${dids}::text[])
        AND (${after === undefined}::boolean
          OR (u.used_at, u.used_by) < (${after?.usedAt ?? new Date(0)}::timestamptz, ${after?.usedBy ?? ''}::text))
    ) page WHERE n <= ${first + 1} ORDER BY owner, n`;
  return groupBy(rows, ({ owner }) => owner);
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The selection, with `field` read too (a `select` lists only what the client asked for). */
function withField<S extends { select?: object; include?: object }>(selection: S, field: string): S {
  return selection.select ? { ...selection, select: { ...selection.select, [field]: true } } : selection;
}

/**
 * listInvitees for one account in SQL (for statements that build a whole response): rows `key`
 * (the invitee), used_at and used_by after the cursor; aliases that never hide the caller's.
 */
export function inviteeRowsSql(
  owner: string,
  after: InviteePosition | undefined,
  parameter: (value: unknown, type: string) => string,
): string {
  const rows = `SELECT graph_use.used_by AS key, graph_use.used_at, graph_use.used_by
    FROM invite_code graph_code JOIN invite_code_use graph_use ON graph_use.code = graph_code.code
    WHERE graph_code.for_account = ${owner}`;
  if (!after) return rows;
  const position = `${parameter(after.usedAt, 'timestamptz')}, ${parameter(after.usedBy, 'text')}`;
  return `${rows} AND (graph_use.used_at, graph_use.used_by) < (${position})`;
}
