// The local gateway as the scripts run it: `node dist/start.cjs` on a data folder and an
// OS-chosen port of 127.0.0.1 (shared by `npm run bench` and `npm run load`).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.mjs';

/**
 * Starts the gateway on DATA; resolves once it serves, with the child, its base URL, how many
 * processes serve, a promise of how it exited (the exit code, else the signal) and the tail of its stderr. `env` adds to the
 * environment (e.g. ITHC_PDF_THREADS).
 */
export function startGateway(data, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/start.cjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, ITHC_DATA_DIR: data, ITHC_PORT: '0' },
    });
    let out = '';
    let err = '';
    const exited = new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal)));
    child.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
    child.stdout.on('data', (d) => {
      out += d;
      // The whole line: it names the serving processes after the URL.
      const m = /^Gateway\s+(http:\/\/127\.0\.0\.1:\d+)[^\n]*\n/m.exec(out);
      if (m) {
        out = '';
        // Named when there are more than one (node/start.ts).
        const processes = Number(/; (\d+) serving processes/.exec(m[0])?.[1] ?? 1);
        resolve({ child, base: m[1], processes, exited, stderr: () => err });
      }
    });
    exited.then((how) => reject(new Error(`dist/start.cjs exited (${how}) before serving:\n${err}`)));
  });
}

/** `pid` and every process below it (Linux /proc: each thread's children). */
function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) out.push(Number(c));
      } catch {
        // The thread ended while it was read.
      }
    }
  }
  return out;
}

let ticksPerSecond;

/**
 * Clock ticks a second in /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux): asked of getconf
 * once, at the first reading, not by every script that imports this module.
 */
function ticks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time, ms (user + system, every thread), that `pid` and the processes below it have used so
 * far; a difference of two readings is what they used between them.
 */
export function serverCpuMs(pid) {
  let used = 0;
  for (const p of processTree(pid)) {
    try {
      // Fields after the command's closing parenthesis (the command may hold one itself): utime
      // and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended while it was read.
    }
  }
  return (used * 1000) / ticks();
}

/**
 * The server's memory in bytes: `field` of /proc/<pid>/status (VmRSS now, VmHWM the peak) summed
 * over the gateway's process and its serving processes (node/start.ts); null without /proc. Summed
 * peaks are an upper bound of the peak of the sum: each process's peak may come at another moment.
 */
export function serverMemory(pid, field = 'VmRSS') {
  let sum = 0;
  let seen = false;
  for (const p of processTree(pid)) {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        sum += Number(m[1]) * 1024;
        seen = true;
      }
    } catch {
      // The process ended while it was read.
    }
  }
  return seen ? sum : null;
}
