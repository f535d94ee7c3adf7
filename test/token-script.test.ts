// npm run token: an account token for local use that the gateway accepts as it is.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JWT_SECRET, post, randomDid, startTestGateway } from './helpers/gateway.js';

const ROOT = new URL('..', import.meta.url).pathname;

function token(args: string[], env: Record<string, string | undefined>) {
  const environment = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    cwd: ROOT,
    env: environment,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run token', () => {
  const gateway = startTestGateway();

  it('prints a token the gateway accepts for that account, and headers ready to paste', async () => {
    const did = randomDid();
    const run = token([did], { JWT_SECRET, JWT_AUDIENCE: undefined });
    expect(run.status).toBe(0);
    const header = /GraphiQL headers: (\{.*\})/.exec(run.stdout)?.[1];
    const { Authorization: authorization } = JSON.parse(header ?? '{}') as { Authorization: string };
    const own = await post(gateway, { query: `{ accountInviteCodes(account: "${did}") { code } }` }, authorization);
    expect(own.errors).toBeUndefined();
    expect(own.data).toEqual({ accountInviteCodes: [] });
    const other = await post(
      gateway,
      { query: `{ accountInviteCodes(account: "${randomDid()}") { code } }` },
      authorization,
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('Forbidden');
  });

  it('--raw prints the token alone', async () => {
    const did = randomDid();
    const run = token([did, '--raw', '--expires', '5'], { JWT_SECRET, JWT_AUDIENCE: undefined });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const result = await post(
      gateway,
      { query: `{ invitedBy(account: "${did}") { usedBy } }` },
      `Bearer ${run.stdout.trim()}`,
    );
    expect(result.errors).toBeUndefined();
  });

  it('refuses without JWT_SECRET, and for a value that is not a DID', () => {
    const unset = token([randomDid()], { JWT_SECRET: undefined });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('JWT_SECRET is not set');
    expect(unset.stdout).toBe('');
    const notDid = token(['bob'], { JWT_SECRET });
    expect(notDid.status).toBe(1);
    expect(notDid.stderr).toContain('"bob" is not a DID');
  });
});
