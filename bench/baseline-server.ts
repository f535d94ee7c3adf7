// The floor for q1: one hand-written SQL statement (json_agg) over node:http and pg, answering
// the same request in the same JSON shape as the gateway. It runs in a process of its own, as
// the gateway does: `node --import tsx bench/baseline-server.ts <database url> <pool size> <style>`
// prints its URL on stdout. Two styles:
// - plain: the statement is sent as it is, each time, and pg parses the JSON that the response
//   then stringifies again (pg's defaults: what a hand-written endpoint usually does);
// - tight: a named prepared statement whose JSON goes into the response as Postgres' text, as
//   the gateway's SQL answers do: the lowest floor.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import pg from 'pg';

const Q1_SQL = `
SELECT coalesce(json_agg(json_build_object('node', page.node) ORDER BY page.created_at DESC, page.code DESC), '[]')
       AS edges
FROM (
  SELECT c.created_at, c.code, json_build_object(
    'code', c.code, 'available', c.available_uses, 'disabled', c.disabled, 'forAccount', c.for_account,
    'createdBy', c.created_by, 'createdAt', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'uses', coalesce((
      SELECT json_agg(json_build_object('usedBy', u.used_by,
               'usedAt', to_char(u.used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
             ORDER BY u.used_at DESC, u.used_by DESC)
      FROM invite_code_use u WHERE u.code = c.code), '[]')) AS node
  FROM invite_code c ORDER BY c.created_at DESC, c.code DESC LIMIT $1
) AS page`;

// q5: a page of an account's invitees, each with its codes and their uses (the nested account page).
const Q5_SQL = `
SELECT coalesce(json_agg(json_build_object('node', json_build_object('did', page.used_by, 'inviteCodes', coalesce((
    SELECT json_agg(json_build_object('code', c.code, 'usedCount', c.used_count, 'uses', coalesce((
        SELECT json_agg(json_build_object('usedBy', u.used_by,
                 'usedAt', to_char(u.used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
               ORDER BY u.used_at DESC, u.used_by DESC)
        FROM invite_code_use u WHERE u.code = c.code), '[]')) ORDER BY c.created_at, c.code)
    FROM invite_code c WHERE c.for_account = page.used_by AND NOT c.disabled), '[]')))
  ORDER BY page.used_at DESC, page.used_by DESC), '[]') AS edges
FROM (
  SELECT u.used_by, u.used_at FROM invite_code c JOIN invite_code_use u ON u.code = c.code
  WHERE c.for_account = $1 ORDER BY u.used_at DESC, u.used_by DESC LIMIT $2
) AS page`;

export type BaselineStyle = 'plain' | 'tight';

const asText = { getTypeParser: () => (value: string) => value };

async function serve(url: string, poolSize: number, style: BaselineStyle): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { variables } = JSON.parse(body) as { variables?: { first?: number; did?: string } };
      const nested = variables?.did !== undefined;
      const values = nested ? [variables?.did, variables?.first ?? 100] : [variables?.first ?? 50];
      const [name, text] = nested ? ['q5', Q5_SQL] : ['q1', Q1_SQL];
      const query = style === 'tight' ? { name, text, values, types: asText } : { text, values };
      pool.query<{ edges: unknown }>(query).then(
        ({ rows }) => {
          const edges = rows[0]!.edges;
          response.writeHead(200, { 'content-type': 'application/json' });
          const text = style === 'tight' ? (edges as string) : JSON.stringify(edges);
          response.end(
            nested
              ? `{"data":{"account":{"invitees":{"edges":${text}}}}}`
              : `{"data":{"inviteCodes":{"edges":${text}}}}`,
          );
        },
        () => {
          response.writeHead(500);
          response.end();
        },
      );
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://127.0.0.1:${port}/graphql`;
}

/** Starts the baseline in a child process; it stops with the returned close(). */
export async function startBaselineServer(
  url: string,
  poolSize: number,
  style: BaselineStyle,
): Promise<{ url: string; pid: number; close: () => Promise<void> }> {
  const args = [new URL(import.meta.url).pathname, url, String(poolSize), style];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const serverUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    void exited.then(() => reject(new Error('baseline server exited')));
  });
  return {
    url: serverUrl,
    pid: child.pid!,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [databaseUrl, poolSize, style] = process.argv.slice(2);
  console.log(await serve(databaseUrl!, Number(poolSize), style === 'tight' ? 'tight' : 'plain'));
}
