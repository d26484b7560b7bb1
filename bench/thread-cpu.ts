/**
 * CPU time of this process split by thread kind (Linux /proc; null elsewhere): the main thread
 * (JavaScript, HTTP, Redis I/O), the libuv threadpool (argon2, WebCrypto signatures, fs), V8's
 * helper threads (concurrent GC, compilation). Clock ticks, converted to ms.
 */
import fs from 'node:fs';

export interface ThreadCpu { main: number; threadpool: number; v8: number; other: number }

const TICK_MS = 10; // USER_HZ is 100 on Linux

export function threadCpu(): ThreadCpu | null {
  let tasks: string[];
  try { tasks = fs.readdirSync('/proc/self/task'); } catch { return null; }
  const cpu: ThreadCpu = { main: 0, threadpool: 0, v8: 0, other: 0 };
  for (const tid of tasks) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      const comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const kind: keyof ThreadCpu = Number(tid) === process.pid ? 'main' : comm === 'libuv-worker' ? 'threadpool' : comm.startsWith('V8') ? 'v8' : 'other';
      cpu[kind] += ms;
    } catch { /* the thread ended meanwhile */ }
  }
  return cpu;
}

export function threadCpuSince(before: ThreadCpu | null, after: ThreadCpu | null): ThreadCpu | null {
  if (!before || !after) return null;
  return { main: after.main - before.main, threadpool: after.threadpool - before.threadpool, v8: after.v8 - before.v8, other: after.other - before.other };
}
