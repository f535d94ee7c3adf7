import type { Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ADMIN } from './create-invite-codes.js';
import { eventsText } from './invite-code-event-store.js';

type Tx = Prisma.TransactionClient;

// The invite graph has an edge A -> B when B used a code whose forAccount is A. `tree(root, did)`
// holds every account reachable from each root, the root itself included: UNION (not UNION ALL)
// drops rows already found, so a cycle (a code issued to A before A was invited) ends the
// recursion and every account appears once per root. "admin" never joins: uses name DIDs only.
const TREE = `
  tree(root, did) AS (
    SELECT root, root FROM unnest($1::text[]) AS roots(root)
    UNION
    SELECT tree.root, u.used_by
    FROM tree JOIN invite_code c ON c.for_account = tree.did JOIN invite_code_use u ON u.code = c.code
  )`;

/** How many accounts lie below each of `dids` (each counted once, itself never): one statement. */
export async function countDescendants(db: Db, dids: string[]): Promise<Map<string, number>> {
  const rows = await db.$queryRawUnsafe<{ root: string; count: number }[]>(
    `WITH RECURSIVE ${TREE} SELECT root, (count(*) - 1)::int AS count FROM tree GROUP BY root`,
    dids,
  );
  return new Map(rows.map(({ root, count }) => [root, count]));
}

/** A code that a disable call changed from enabled to disabled (what an event names). */
export interface DisabledCode {
  code: string;
  forAccount: string;
}

export interface DisabledTree {
  /** The descendants, plus the account when included. */
  accountCount: number;
  /** Exactly the codes this statement changed, ordered by code. */
  codes: DisabledCode[];
}

/**
 * Disables every enabled code of the account's descendants (and of the account itself when
 * `includeAccount`) and writes one DISABLED event per code it changed, made at `at`: one
 * recursive statement that returns the codes it changed.
 */
export async function disableTreeCodes(tx: Tx, did: string, includeAccount: boolean, at: Date): Promise<DisabledTree> {
  // Two arrays rather than JSON objects: a spam wave may change 100,000 codes.
  const [row] = await tx.$queryRawUnsafe<{ accountCount: number; codes: string[]; owners: string[] }[]>(
    `WITH RECURSIVE ${TREE},
    accounts AS (SELECT did FROM tree WHERE $2::boolean OR did <> root),
    disabled AS (
      UPDATE invite_code c SET disabled = true, ${eventsText.bumpXid} FROM accounts
      WHERE c.for_account = accounts.did AND NOT c.disabled
      RETURNING c.code, c.for_account, c.last_event_xid
    ),
    events AS (${eventsText.fromChanged('disabled', 'DISABLED', '$3')})
    SELECT (SELECT count(*)::int FROM accounts) AS "accountCount",
      coalesce((SELECT array_agg(code ORDER BY code) FROM disabled), '{}') AS codes,
      coalesce((SELECT array_agg(for_account ORDER BY code) FROM disabled), '{}') AS owners`,
    [did],
    includeAccount,
    at,
  );
  if (!row) return { accountCount: 0, codes: [] };
  return {
    accountCount: row.accountCount,
    codes: row.codes.map((code, index) => ({ code, forAccount: row.owners[index]! })),
  };
}

// The same counts as SQL expressions over one account's DID, for statements that build a whole
// response (src/sql-answers/). Their aliases are unusual so that they never hide the caller's.

/** Accounts below the DID `did` (an SQL expression), each counted once, itself never. */
export const descendantCountSql = (did: string) => `(WITH RECURSIVE graph_tree(did) AS (
    SELECT ${did}
    UNION
    SELECT graph_use.used_by FROM graph_tree
    JOIN invite_code graph_code ON graph_code.for_account = graph_tree.did
    JOIN invite_code_use graph_use ON graph_use.code = graph_code.code
  ) SELECT count(*)::int - 1 FROM graph_tree)`;

/** Accounts that used the codes of the DID `did` (an SQL expression). */
export const inviteeCountSql = (did: string) => `(SELECT count(*)::int
  FROM invite_code graph_code JOIN invite_code_use graph_use ON graph_use.code = graph_code.code
  WHERE graph_code.for_account = ${did})`;

/** The inviter of the DID `did` (an SQL expression): the owner of the code it used, unless "admin"; else NULL. */
export const inviterSql = (did: string) => `SELECT graph_code.for_account
  FROM invite_code_use graph_use JOIN invite_code graph_code ON graph_code.code = graph_use.code
  WHERE graph_use.used_by = ${did} AND graph_code.for_account <> '${ADMIN}'`;
