// The benchmark's deterministic dataset, written with set-based SQL (a million codes load in
// well under a minute): codes bench-00000001.., 0-5 uses each, three codes per createdAt second,
// 2000 account owners plus "admin", every 50th code disabled.
import pg from 'pg';

export const BENCH_OWNER = 'did:plc:bench000001';
export const Q4_DISTINCT_CODES = 1000;
export const Q4_HOT_CODE = 'bench-hot-code';

export async function loadDataset(url: string, scale: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "SELECT count(*) FROM invite_code WHERE code LIKE 'bench-0%'",
    );
    if (Number(rows[0]!.count) === scale) return;
    await client.query('TRUNCATE invite_code_use, invite_code');
    await client.query(
      `INSERT INTO invite_code (code, available_uses, disabled, for_account, created_by, created_at, used_count)
       SELECT 'bench-' || lpad(i::text, 8, '0'), 5, i % 50 = 0,
              CASE WHEN i % 10 = 0 THEN 'admin' ELSE 'did:plc:bench' || lpad((i % 2000)::text, 6, '0') END,
              'admin', timestamptz '2026-01-01T00:00:00Z' + (i / 3) * interval '1 second', ((i::bigint * 7919) % 6)::int
       FROM generate_series(1, $1::int) AS i`,
      [scale],
    );
    await client.query(
      `INSERT INTO invite_code_use (code, used_by, used_at)
       SELECT c.code, 'did:plc:u' || substr(c.code, 7) || 'x' || u, c.created_at + u * interval '1 minute'
       FROM invite_code c CROSS JOIN LATERAL generate_series(1, c.used_count) AS u`,
    );
    // Capacity for q4: many codes to spread redemptions over, and one hot code.
    await client.query(
      `INSERT INTO invite_code (code, available_uses, for_account, created_by, created_at)
       SELECT 'bench-q4-' || lpad(i::text, 5, '0'), 1000000, 'admin', 'admin', timestamptz '2025-01-01T00:00:00Z'
       FROM generate_series(1, $1::int) AS i
       UNION ALL SELECT $2, 100000000, 'admin', 'admin', timestamptz '2025-01-01T00:00:00Z'`,
      [Q4_DISTINCT_CODES, Q4_HOT_CODE],
    );
    await client.query('VACUUM ANALYZE invite_code, invite_code_use');
  } finally {
    await client.end();
  }
}

/** A USAGE cursor 90% of the way down the listing. */
export async function deepUsageCursor(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ used_count: number; code: string }>(
      `SELECT used_count, code FROM invite_code ORDER BY used_count DESC, code DESC
       OFFSET (SELECT (count(*) * 0.9)::int FROM invite_code) LIMIT 1`,
    );
    return `${rows[0]!.used_count}::${rows[0]!.code}`;
  } finally {
    await client.end();
  }
}

/** The root of the invite tree of TREE_DESCENDANTS accounts below it. */
export const TREE_ROOT = 'did:plc:benchtree000000';
export const TREE_DESCENDANTS = 100_000;
const TREE_FAN_OUT = 5;
/** An account with WIDE_INVITEES invitees, each owning two codes with a use or two: the nested page. */
export const WIDE_ACCOUNT = 'did:plc:benchwide000000';
export const WIDE_INVITEES = 100;

/**
 * An invite tree: account i (did:plc:benchtree<i>, 0 the root) owns code bench-tree-<i> of five
 * uses, used by accounts 5i+1 .. 5i+5, down to TREE_DESCENDANTS accounts below the root (eight
 * levels). Its codes are older than the listing's and have at most five uses, like the busiest
 * of the listing's, so q1-q3 read pages of the same shape as without it.
 */
export async function loadInviteTree(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "SELECT count(*) FROM invite_code WHERE code LIKE 'bench-tree-%'",
    );
    const wideCodes = WIDE_INVITEES / 5 + WIDE_INVITEES * 2;
    if (Number(rows[0]!.count) === TREE_DESCENDANTS + 1 + wideCodes) return;
    await client.query("DELETE FROM invite_code_use WHERE code LIKE 'bench-tree-%'");
    await client.query("DELETE FROM invite_code WHERE code LIKE 'bench-tree-%'");
    const did = (i: string) => `'did:plc:benchtree' || lpad(${i}::text, 6, '0')`;
    await client.query(
      `INSERT INTO invite_code (code, available_uses, for_account, created_by, created_at, used_count)
       SELECT 'bench-tree-' || i, ${TREE_FAN_OUT}, ${did('i')}, 'admin',
              timestamptz '2024-01-01T00:00:00Z' + i * interval '1 second',
              greatest(0, least(${TREE_FAN_OUT}, $1::int - ${TREE_FAN_OUT} * i))
       FROM generate_series(0, $1::int) AS i`,
      [TREE_DESCENDANTS],
    );
    await client.query(
      `INSERT INTO invite_code_use (code, used_by, used_at)
       SELECT 'bench-tree-' || ((j - 1) / ${TREE_FAN_OUT}), ${did('j')},
              timestamptz '2024-06-01T00:00:00Z' + j * interval '1 second'
       FROM generate_series(1, $1::int) AS j`,
      [TREE_DESCENDANTS],
    );
    // The wide account: 20 codes of five uses; each invitee owns two codes, used once and twice.
    const wide = (i: string) => `'did:plc:benchwide' || lpad(${i}::text, 6, '0')`;
    await client.query(
      `INSERT INTO invite_code (code, available_uses, for_account, created_by, created_at, used_count)
       SELECT 'bench-tree-wide-' || i, 5, '${WIDE_ACCOUNT}', 'admin', timestamptz '2023-01-01T00:00:00Z', 5
       FROM generate_series(0, $1::int / 5 - 1) AS i
       UNION ALL
       SELECT 'bench-tree-wide-' || j || '-' || k, 5, ${wide('j')}, 'admin',
              timestamptz '2023-01-02T00:00:00Z' + k * interval '1 second', k
       FROM generate_series(1, $1::int) AS j CROSS JOIN generate_series(1, 2) AS k`,
      [WIDE_INVITEES],
    );
    await client.query(
      `INSERT INTO invite_code_use (code, used_by, used_at)
       SELECT 'bench-tree-wide-' || ((j - 1) / 5), ${wide('j')},
              timestamptz '2023-01-01T00:00:00Z' + j * interval '1 minute'
       FROM generate_series(1, $1::int) AS j
       UNION ALL
       SELECT 'bench-tree-wide-' || j || '-' || k, 'did:plc:benchwideuse' || j || 'x' || k || 'x' || n,
              timestamptz '2023-02-01T00:00:00Z' + (j * 3 + n) * interval '1 minute'
       FROM generate_series(1, $1::int) AS j CROSS JOIN generate_series(1, 2) AS k
            CROSS JOIN generate_series(1, k) AS n`,
      [WIDE_INVITEES],
    );
    await client.query('VACUUM ANALYZE invite_code, invite_code_use');
  } finally {
    await client.end();
  }
}
