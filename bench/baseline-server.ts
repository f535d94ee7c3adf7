// The floor for q1: one hand-written SQL statement (json_agg) over node:http and pg, answering
// the same request in the same JSON shape as the gateway. It runs in a process of its own, as
// the gateway does: `node --import tsx bench/baseline-server.ts <database url> <pool size> [prepared]`
// prints its URL on stdout. With `prepared`, the statement is a named prepared statement, as the
// gateway's are; without, it is sent as it is, each time.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import pg from 'pg';

const Q1_SQL = `
SELECT coalesce(json_agg(json_build_object('node', page.node) ORDER BY page.created_at DESC, page.code DESC), '[]') AS edges
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

async function serve(url: string, poolSize: number, prepared: boolean): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { variables } = JSON.parse(body) as { variables?: { first?: number } };
      pool.query<{ edges: unknown }>({ name: prepared ? 'q1' : undefined, text: Q1_SQL, values: [variables?.first ?? 50] }).then(
        ({ rows }) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: { inviteCodes: { edges: rows[0]!.edges } } }));
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
export async function startBaselineServer(url: string, poolSize: number, prepared = false): Promise<{ url: string; pid: number; close: () => Promise<void> }> {
  const args = [new URL(import.meta.url).pathname, url, String(poolSize), ...(prepared ? ['prepared'] : [])];
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
  const [databaseUrl, poolSize, prepared] = process.argv.slice(2);
  console.log(await serve(databaseUrl!, Number(poolSize), prepared === 'prepared'));
}
