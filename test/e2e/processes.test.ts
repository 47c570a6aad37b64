/**
 * The local server's processes (node/start.ts), as `npm start` runs them: a primary and serving
 * processes on the one SQLite file, each accepting connections from the socket they share. What
 * one process starts, another finishes; a serving process that dies is replaced while the others
 * keep answering; SIGTERM stops them all; a bad ITHC_PROCESSES stops the start. Only 127.0.0.1.
 */
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { LOCAL_OPENID_HEADER } from '../../server/gateway';
import { ensureBuilt, servingProcesses, startLocalServer, tempDir, type LocalServer } from './helpers';

const PROCESSES = 2;

/**
 * A function call on a connection of its own (no keep-alive), or on `socket` when given: whichever
 * serving process accepts a connection answers on it.
 */
function callOnNewConnection(port: number, openid: string, fn: string, event: unknown, socket?: Socket): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(event);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/functions/${fn}`,
        agent: false,
        ...(socket ? { createConnection: () => socket } : {}),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', [LOCAL_OPENID_HEADER]: openid },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${fn}.${String((event as { action?: unknown }).action)} in 20 s`)));
    req.end(body);
  });
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A connection to the gateway, and the serving process that accepted it: the one holding the
 * server side's socket (its inode in /proc/net/tcp, the row from the gateway's port to ours).
 */
async function connectionTo(port: number, pids: readonly number[]): Promise<{ socket: Socket; pid: number }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const pid = await until('the serving process that accepted a connection', () => {
    const row = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[1]?.endsWith(`:${hex(port)}`) && f[2]?.endsWith(`:${hex(socket.localPort!)}`));
    if (!row) return undefined;
    const link = `socket:[${row[9]}]`;
    return pids.find((p) => {
      try {
        return readdirSync(`/proc/${p}/fd`).some((fd) => readlinkSync(`/proc/${p}/fd/${fd}`) === link);
      } catch {
        return false;
      }
    });
  });
  return { socket, pid };
}

/** A connection accepted by a serving process other than `not`; the others tried are closed. */
async function connectionToAnother(port: number, pids: readonly number[], not: number): Promise<{ socket: Socket; pid: number }> {
  for (let tries = 0; tries < 50; tries++) {
    const c = await connectionTo(port, pids);
    if (c.pid !== not) return c;
    c.socket.destroy();
  }
  throw new Error(`50 connections in a row were accepted by serving process ${not}`);
}

let server: LocalServer;

beforeAll(async () => {
  await ensureBuilt();
  server = await startLocalServer(join(tempDir('processes'), 'data'), { ITHC_PROCESSES: String(PROCESSES) });
}, 300_000);

test('the primary runs the serving processes it was asked for', () => {
  expect(servingProcesses(server.child)).toHaveLength(PROCESSES);
  expect(server.output()).toMatch(new RegExp(`; ${PROCESSES} serving processes\\)`));
});

test('a face check begun in one serving process is accepted by another: every traveller verifies', async () => {
  const pids = servingProcesses(server.child);
  for (const [i, c] of DEMO_CITIZENS.slice(1, 5).entries()) {
    const openid = `processes-${i}`;
    const person = { name: c.name, idNumber: c.idNumber };
    const first = await connectionTo(server.port, pids);
    const begun = await callOnNewConnection(server.port, openid, 'identity', { action: 'beginFaceCheck', ...person }, first.socket);
    expect(begun.status).toBe(200);
    const second = await connectionToAnother(server.port, pids, first.pid);
    const verified = await callOnNewConnection(
      server.port,
      openid,
      'identity',
      { action: 'verify', ...person, faceToken: begun.body.data.faceToken },
      second.socket,
    );
    expect({ openid, status: verified.status, ok: verified.body.ok }).toEqual({ openid, status: 200, ok: true });
  }
});

test('a serving process killed with SIGKILL is replaced, and requests are answered meanwhile', async () => {
  const before = servingProcesses(server.child);
  process.kill(before[0], 'SIGKILL');
  // The others answer at once: each call comes on a new connection, handed to a live process.
  for (let i = 0; i < 4; i++) {
    const r = await callOnNewConnection(server.port, 'processes-0', 'identity', { action: 'status' });
    expect(r.status).toBe(200);
    expect(r.body.data.verified).toBe(true);
  }
  const after = await until('a replacement serving process', () => {
    const now = servingProcesses(server.child);
    return now.length === PROCESSES && !now.includes(before[0]) ? now : undefined;
  });
  expect(after).toContain(before[1]);
  await until('the replacement to answer', () => (/serving process exited/.test(server.stderr()) ? true : undefined));
  const answered = await Promise.all(
    Array.from({ length: 2 * PROCESSES }, () => callOnNewConnection(server.port, 'processes-1', 'identity', { action: 'status' })),
  );
  expect(answered.map((r) => r.status)).toEqual(Array(2 * PROCESSES).fill(200));
});

test('SIGTERM stops every serving process, then the primary, with exit code 0', async () => {
  const serving = servingProcesses(server.child);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const alive = serving.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive).toEqual([]);
});

test('without ITHC_PROCESSES one process serves per core, at most four', async () => {
  const expected = Math.min(4, availableParallelism());
  // Empty is unset (node/start.ts), whatever the environment the tests run in holds.
  const plain = await startLocalServer(join(tempDir('processes-default'), 'data'), { ITHC_PROCESSES: '' });
  try {
    // One core: the one process does all of it, with no serving processes under it.
    expect(servingProcesses(plain.child)).toHaveLength(expected === 1 ? 0 : expected);
  } finally {
    plain.child.kill('SIGTERM');
    expect(await plain.exited).toBe(0);
  }
}, 120_000);

test('ITHC_PROCESSES that is not a whole number 1–64 stops the start with its name', async () => {
  for (const bad of ['0', '65', 'two']) {
    const err = await startLocalServer(join(tempDir('processes-bad'), 'data'), { ITHC_PROCESSES: bad }).then(
      () => null,
      (e: Error & { output?: string }) => e.output ?? e.message,
    );
    expect({ bad, err }).toEqual({ bad, err: expect.stringMatching(/ITHC_PROCESSES must be a whole number 1–64/) });
  }
});
