// The local gateway as the scripts run it: `node dist/start.cjs` on a data folder and an
// OS-chosen port of 127.0.0.1 (shared by `npm run bench` and `npm run load`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './build.mjs';

/**
 * Starts the gateway on DATA; resolves once it serves, with the child, its base URL, a promise of
 * how it exited (the exit code, else the signal) and the tail of its stderr. `env` adds to the
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
      const m = /^Gateway\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(out);
      if (m) {
        out = '';
        resolve({ child, base: m[1], exited, stderr: () => err });
      }
    });
    exited.then((how) => reject(new Error(`dist/start.cjs exited (${how}) before serving:\n${err}`)));
  });
}
