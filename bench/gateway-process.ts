// The gateway as production runs it: `npm run start:prod` (compiled JavaScript, its Node
// flags), NODE_ENV=production; spawned as node itself, so that its process tree is the gateway's.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface GatewayProcess {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

const ROOT = new URL('..', import.meta.url).pathname;

/** The arguments of node in package.json's start:prod script. */
async function productionNodeArgs(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  // The script execs node (so that npm hands signals to the gateway): "exec node <args>".
  const words = (scripts['start:prod'] ?? '').trim().split(/\s+/);
  const [command, ...args] = words[0] === 'exec' ? words.slice(1) : words;
  if (command !== 'node') throw new Error('start:prod is expected to run node');
  return args;
}

export async function startGatewayProcess(
  env: Record<string, string | undefined>,
  extraNodeArgs: string[] = [],
): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, ...(await productionNodeArgs())], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const readStartLine = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(output);
      if (!match) return;
      // Then drop the request log (one line per request): keeping or scanning it would load
      // the benchmark process, which also runs the load generator.
      child.stdout!.off('data', readStartLine);
      child.stdout!.on('data', () => {});
      resolve(match[1]!);
    };
    child.stdout!.on('data', readStartLine);
    void exited.then(() => reject(new Error(`gateway exited: ${output}`)));
  });
  await waitForReady(url);
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitForReady(url: string): Promise<void> {
  const ready = url.replace(/\/graphql$/, '/ready');
  for (let attempt = 0; attempt < 600; attempt++) {
    if (
      (await fetch(ready).then(
        (response) => response.status,
        () => 0,
      )) === 200
    )
      return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('gateway never became ready');
}

/** CPU time (user and system) a process has used so far, in ms; /proc counts it in ticks of 10 ms (USER_HZ). */
export async function processCpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process and its descendants, in MB (Linux /proc). */
export async function treeRssMb(pid: number): Promise<number> {
  let total = 0;
  for (const id of await descendants(pid)) {
    const status = await readFile(`/proc/${id}/status`, 'utf8').catch(() => '');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total / 1024;
}

async function descendants(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const ids = children.split(' ').filter(Boolean).map(Number);
  return [pid, ...(await Promise.all(ids.map(descendants))).flat()];
}
