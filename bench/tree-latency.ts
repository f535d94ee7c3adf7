// descendantCount and disableInviteTree on the dataset's tree of TREE_DESCENDANTS accounts:
// latencies of sequential requests (each is one recursive statement over the whole tree). The
// tree's codes are enabled again before each disableInviteTree, so that every call disables
// all of them.
import pg from 'pg';
import { TREE_DESCENDANTS, TREE_ROOT } from './dataset.js';
import { median } from './load.js';
import type { Operation } from './operations.js';

const SAMPLES = 7;

type Statements = (url: string, operation: Operation) => Promise<number | undefined>;

export async function treeLatencies(
  databaseUrl: string,
  url: string,
  auth: Record<string, string>,
  statements: Statements,
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const enableTree = () => client.query("UPDATE invite_code SET disabled = false WHERE code LIKE 'bench-tree-%'");
  const count: Operation = {
    name: 'tree-count',
    description: `account(did: ${TREE_ROOT}) { descendantCount }, ${TREE_DESCENDANTS.toLocaleString('en')} descendants`,
    body: JSON.stringify({ query: `{ account(did: "${TREE_ROOT}") { descendantCount } }` }),
  };
  const disable: Operation = {
    name: 'tree-disable',
    description: `disableInviteTree(account: ${TREE_ROOT}), ${(TREE_DESCENDANTS + 1).toLocaleString('en')} codes`,
    body: JSON.stringify({
      query: `mutation { disableInviteTree(input: { account: "${TREE_ROOT}" }) { accountCount disabledCount } }`,
    }),
  };
  const timed = async (operation: Operation, expected: unknown) => {
    const started = process.hrtime.bigint();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: operation.body as string,
    });
    const json = await response.json();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (JSON.stringify(json) !== JSON.stringify(expected))
      throw new Error(`${operation.name} answered ${JSON.stringify(json)}`);
    return ms;
  };
  const lines = [
    '| operation | requests | p50 ms | min ms | max ms | SQL statements/request |',
    '|---|---|---|---|---|---|',
  ];
  try {
    const row = async (operation: Operation, run: () => Promise<number>) => {
      await run(); // warm-up
      const times: number[] = [];
      for (let index = 0; index < SAMPLES; index++) times.push(await run());
      const perRequest = await statements(url, operation);
      lines.push(
        `| ${operation.name}: ${operation.description} | ${SAMPLES} | ${median(times).toFixed(0)} | ` +
          `${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${perRequest?.toFixed(2) ?? 'n/a'} |`,
      );
    };
    await row(count, () => timed(count, { data: { account: { descendantCount: TREE_DESCENDANTS } } }));
    const all = TREE_DESCENDANTS + 1;
    await row(disable, async () => {
      await enableTree();
      return timed(disable, { data: { disableInviteTree: { accountCount: all, disabledCount: all } } });
    });
  } finally {
    await enableTree();
    await client.end();
  }
  return lines;
}
