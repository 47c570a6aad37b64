/**
 * HTTP helpers of the load runs (bench/gateway-load.ts, bench/mixed-load.ts): function calls as a
 * caller of the local gateway, the first-use flow of a traveller, a bounded pool. 127.0.0.1 only.
 */
import { LOCAL_OPENID_HEADER } from '../server/gateway';
import type { LoadPerson } from './people';

export function assertLoopback(base: string): void {
  const u = new URL(base);
  if (u.hostname !== '127.0.0.1') throw new Error(`load runs only against 127.0.0.1, not ${u.hostname}`);
}

// --- calls ------------------------------------------------------------------------------------

export interface Reply {
  status: number;
  body: any;
}

export async function callFn(base: string, fn: string, openid: string, event: unknown): Promise<Reply> {
  const res = await fetch(`${base}/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: openid },
    body: JSON.stringify(event),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text for the error message
  }
  return { status: res.status, body };
}

export async function must(r: Promise<Reply>, what: string): Promise<any> {
  const x = await r;
  if (x.status !== 200 || x.body?.ok !== true) throw new Error(`${what}: HTTP ${x.status} ${JSON.stringify(x.body).slice(0, 300)}`);
  return x.body.data;
}

/** Identity verification and document binding for one traveller (what the mini program does first). */
export async function enrol(base: string, p: LoadPerson): Promise<void> {
  const person = { name: p.citizen.name, idNumber: p.citizen.idNumber };
  const status = await must(callFn(base, 'identity', p.openid, { action: 'status' }), `identity status of ${p.openid}`);
  if (!status.verified) {
    const s = await must(callFn(base, 'identity', p.openid, { action: 'beginFaceCheck', ...person }), `face check of ${p.openid}`);
    await must(callFn(base, 'identity', p.openid, { action: 'verify', ...person, faceToken: s.faceToken }), `verification of ${p.openid}`);
  }
  const current = await must(callFn(base, 'document', p.openid, { action: 'current' }), `document of ${p.openid}`);
  if (!current) {
    const d = p.document;
    await must(
      callFn(base, 'document', p.openid, { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, mrz: d.mrz.join('\n') }),
      `binding for ${p.openid}`,
    );
  }
}

/** Runs `task(i)` for i in 0..n-1 with at most `width` at once. */
export async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}
