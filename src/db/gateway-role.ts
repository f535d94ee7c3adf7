import pg from 'pg';

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
// Objects of extensions (pg_stat_statements in the bench) belong to the extension's owner.
const NOT_IN_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d
              WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

// ALTER statements for what the connected superuser owns in the current database, tables
// before sequences: a sequence that belongs to a column follows its table, and may not be
// altered on its own.
const OWNED_BY_SUPERUSER = [
  `SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $1::text) FROM pg_namespace n
     WHERE ${SYSTEM_SCHEMAS} AND n.nspname <> 'public' AND n.nspowner = to_regrole(current_user)`,
  `SELECT format('ALTER %s %I.%I OWNER TO %I',
                 CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                 n.nspname, c.relname, $1::text)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${SYSTEM_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner = to_regrole(current_user)
       AND ${NOT_IN_EXTENSION('pg_class', 'c.oid')}`,
  `SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', n.nspname, c.relname, $1::text)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${SYSTEM_SCHEMAS} AND c.relkind = 'S' AND c.relowner = to_regrole(current_user)
       AND ${NOT_IN_EXTENSION('pg_class', 'c.oid')}`,
  `SELECT format('ALTER %s %I.%I OWNER TO %I',
                 CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname, $1::text)
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE ${SYSTEM_SCHEMAS} AND t.typowner = to_regrole(current_user)
       AND (t.typtype IN ('e', 'd', 'r')
            OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
       AND ${NOT_IN_EXTENSION('pg_type', 't.oid')}`,
  `SELECT format('ALTER ROUTINE %I.%I(%s) OWNER TO %I',
                 n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), $1::text)
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE ${SYSTEM_SCHEMAS} AND p.prokind IN ('f', 'p') AND p.proowner = to_regrole(current_user)
       AND ${NOT_IN_EXTENSION('pg_proc', 'p.oid')}`,
];

/**
 * Makes `role` (a login role that is not a superuser, with `password`) the owner of `database`
 * and of everything in it, creating what is missing. Run as the cluster's superuser: a
 * DATA_DIR of the versions that connected as the superuser has its objects owned by it.
 */
export async function ensureGatewayRole(
  superuserUrl: string,
  { role, password, database }: { role: string; password: string; database: string },
): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    // Utility statements take no parameters; the password is only ever base64url characters.
    const attributes =
      'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ' +
      `PASSWORD ${client.escapeLiteral(password)}`;
    await client.query(`${rowCount ? 'ALTER' : 'CREATE'} ROLE ${client.escapeIdentifier(role)} WITH ${attributes}`);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    const [name, owner] = [client.escapeIdentifier(database), client.escapeIdentifier(role)];
    await client.query(
      exists.rowCount ? `ALTER DATABASE ${name} OWNER TO ${owner}` : `CREATE DATABASE ${name} OWNER ${owner}`,
    );
  } finally {
    await client.end();
  }
  const url = new URL(superuserUrl);
  url.pathname = `/${database}`;
  await handOver(url.toString(), role);
}

async function handOver(superuserUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    for (const query of OWNED_BY_SUPERUSER) {
      const { rows } = await client.query<{ format: string }>(query, [role]);
      for (const { format } of rows) await client.query(format);
    }
  } finally {
    await client.end();
  }
}
