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
