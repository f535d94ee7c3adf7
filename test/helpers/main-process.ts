// The real entry point (src/main.ts) as a child process, as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface MainProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The test runner's environment without DATABASE_URL and ADMIN_PASSWORD, plus `extra`. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.ADMIN_PASSWORD;
  return { ...env, ...extra };
}

function spawnMain(extra: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: environment(extra) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Starts src/main.ts and resolves once it logs the URL it serves. */
export function startMain(extra: Record<string, string>): Promise<MainProcess> {
  const started = spawnMain(extra);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within 60 s: ${started.stdout()} ${started.stderr()}`)),
      60_000,
    );
    started.child.stdout.on('data', () => {
      const match = /"url":"([^"]+)"/.exec(started.stdout());
      if (!match) return;
      clearTimeout(timer);
      resolve({ ...started, url: match[1]! });
    });
    void started.exited.then((code) => reject(new Error(`exited with ${code}: ${started.stderr()}`)));
  });
}

/** Runs src/main.ts until it exits (for start-ups that must fail). */
export async function runToExit(extra: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const started = spawnMain(extra);
  const code = await started.exited;
  return { code, stderr: started.stderr() };
}

export async function waitForReady(url: string): Promise<number> {
  const ready = url.replace('/graphql', '/ready');
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await fetch(ready).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return status;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('never ready');
}
