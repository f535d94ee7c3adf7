// Supervisors (systemd, Kubernetes, a shell's kill) signal the process they started: `npm start`
// and `npm run start:prod`. npm forwards SIGTERM to its child only, so the gateway must be that
// child (the scripts `exec` node) rather than a shell that would die and orphan it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each([
  ['start', true],
  // The production script serves dist/, which `npm run build` makes (CI builds before testing).
  ['start:prod', existsSync(new URL('../dist/main.js', import.meta.url))],
])('npm run %s', (script, runnable) => {
  it.runIf(runnable)('stops the gateway itself on SIGTERM and exits with its status', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    delete env.ADMIN_PASSWORD;
    const npm = spawn('npm', ['run', script, '--silent'], { cwd: ROOT, env });
    let stdout = '';
    npm.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => npm.on('exit', (code) => done(code)));

    const serving = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 60 s: ${stdout}`)), 60_000);
      npm.stdout.on('data', () => {
        const line = stdout.split('\n').find((text) => text.includes('"invitegate is serving"'));
        if (!line) return;
        clearTimeout(timer);
        const { pid, url } = JSON.parse(line) as { pid: number; url: string };
        resolve({ pid, url });
      });
    });
    expect(serving.pid).not.toBe(npm.pid);
    expect((await fetch(serving.url.replace('/graphql', '/health'))).status).toBe(200);

    try {
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(isAlive(serving.pid)).toBe(false);
      await expect(fetch(serving.url.replace('/graphql', '/health'))).rejects.toThrow();
    } finally {
      // An orphaned gateway would outlive the test run.
      if (isAlive(serving.pid)) process.kill(serving.pid, 'SIGKILL');
    }
  });
});
