// Where a server's time goes under load, from Linux's /proc: how long its main thread (the event
// loop) ran, how long it was ready to run but waited for a core, how often another task took its
// core (involuntary switches), and how idle the whole machine stayed meanwhile.
import { readFile } from 'node:fs/promises';

export interface SchedulingSample {
  mainRunNs: number;
  mainWaitNs: number;
  preemptions: number;
  machineIdleTicks: number;
  machineTicks: number;
}

export interface SchedulingPerRequest {
  /** CPU time of the main thread, ms per request. */
  mainCpuMs: number;
  /** Time the main thread was runnable but not running, ms per request. */
  runQueueWaitMs: number;
  preemptionsPerRequest: number;
  /** Share of the machine's CPU time that stayed idle, in percent. */
  machineIdlePercent: number;
}

export async function sampleScheduling(pid: number): Promise<SchedulingSample> {
  const [schedstat, status, stat] = await Promise.all([
    readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8'),
    readFile(`/proc/${pid}/task/${pid}/status`, 'utf8'),
    readFile('/proc/stat', 'utf8'),
  ]);
  const [runNs, waitNs] = schedstat.split(' ').map(Number);
  const ticks = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return {
    mainRunNs: runNs!,
    mainWaitNs: waitNs!,
    preemptions: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0),
    // idle and iowait
    machineIdleTicks: ticks[3]! + ticks[4]!,
    machineTicks: ticks.reduce((sum, value) => sum + value, 0),
  };
}

export function schedulingPerRequest(
  before: SchedulingSample,
  after: SchedulingSample,
  requests: number,
): SchedulingPerRequest {
  const per = (value: number) => value / Math.max(requests, 1);
  return {
    mainCpuMs: per((after.mainRunNs - before.mainRunNs) / 1e6),
    runQueueWaitMs: per((after.mainWaitNs - before.mainWaitNs) / 1e6),
    preemptionsPerRequest: per(after.preemptions - before.preemptions),
    machineIdlePercent:
      (100 * (after.machineIdleTicks - before.machineIdleTicks)) /
      Math.max(after.machineTicks - before.machineTicks, 1),
  };
}
