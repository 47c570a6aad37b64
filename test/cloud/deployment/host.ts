/**
 * STAND-IN for WeChat Cloud Development's runtime, for tests only: a child process that runs the
 * BUILT cloud functions (copies of cloudfunctions/<name>/ beside the stand-in wx-server-sdk) the way
 * the platform invokes them — `require('<fn>/index.js').main(event, context)` — for:
 *
 * - calls from the mini program: an event `{action, ...}` with the caller's OPENID in the context;
 * - HTTP: an HTTP server standing in for CloudBase's HTTP access service, routing by the `gateway`
 *   routes of the repository's cloudbaserc.json (path transmitted whole) and turning each request
 *   into the access service's event (`httpMethod`, `path`, `headers`, `queryStringParameters`,
 *   `body`, `isBase64Encoded`), with no caller;
 * - timer triggers: `{Type: 'Timer', TriggerName, Time}`, with no caller.
 *
 * Also stand-ins for what cannot run here, and nothing else: WeChat's open API (access token and
 * facial verification, answered as WeChat documents it) in place of the network, and the passage
 * of time (`advance`: Date.now() moves, so a week of pre-publication takes no week). The parent
 * drives it over IPC (test/cloud/deployment/harness.ts). The environment variables are the
 * process's own, set by the parent: read-only secrets, as in the cloud.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const rc = JSON.parse(readFileSync(process.argv[3], 'utf8')) as {
  gateway: { routes: Array<{ path: string; target: string; enablePathTransmission?: boolean }> };
};
// The same module the functions resolve `wx-server-sdk` to.
const sdk = require(join(dir, 'node_modules', 'wx-server-sdk')) as {
  __standIn: {
    db: { dump(c: string): Record<string, unknown>[]; createCollection(n: string): Promise<unknown> };
    invoke<T>(openid: string | undefined, fn: () => Promise<T>): Promise<T>;
    files(): Array<{ fileID: string; path: string; bytes: Uint8Array }>;
  };
};

// --- time ---------------------------------------------------------------------------------------
const realNow = Date.now.bind(Date);
let offset = 0;
Date.now = () => realNow() + offset;

// --- what the functions write to their log --------------------------------------------------------
const logged: string[] = [];
for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[m] = (...args: unknown[]) => void logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
}

// --- WeChat's open API ----------------------------------------------------------------------------
/** Sessions getVerifyId opened: verify_id → who, for whom, and how the face check (on the phone) ends. */
const faceSessions = new Map<string, { outSeqNo: string; openid: string; certHash: string; verifyRet: number }>();
let nextFaceOutcome = 10000;

function certHash(name: string, idNumber: string): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return createHash('sha256')
    .update(`cert_type=${b64('IDENTITY_CARD')}&cert_name=${b64(name)}&cert_no=${b64(idNumber)}`, 'utf8')
    .digest('hex');
}

const realFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (url.hostname !== 'api.weixin.qq.com') throw new Error(`no network here: ${url.origin}`);
  const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as Record<string, any>;
  const reply = (o: unknown) => new Response(JSON.stringify(o), { status: 200, headers: { 'content-type': 'application/json' } });
  if (url.pathname === '/cgi-bin/stable_token') {
    if (body.appid !== process.env.ITHC_WECHAT_APPID || body.secret !== process.env.ITHC_SECRET_WECHAT_APPSECRET)
      return reply({ errcode: 40013, errmsg: 'invalid appid' });
    return reply({ access_token: 'stand-in-token', expires_in: 7200 });
  }
  if (url.searchParams.get('access_token') !== 'stand-in-token') return reply({ errcode: 40001, errmsg: 'invalid credential' });
  if (url.pathname === '/cityservice/face/identify/getverifyid') {
    const verifyId = `vid-${faceSessions.size + 1}-${Math.random().toString(36).slice(2, 10)}`;
    faceSessions.set(verifyId, {
      outSeqNo: body.out_seq_no,
      openid: body.openid,
      certHash: certHash(body.cert_info.cert_name, body.cert_info.cert_no),
      verifyRet: nextFaceOutcome,
    });
    return reply({ errcode: 0, errmsg: 'ok', verify_id: verifyId, expires_in: 3600 });
  }
  if (url.pathname === '/cityservice/face/identify/queryverifyinfo') {
    const s = faceSessions.get(body.verify_id);
    // WeChat answers with an errcode when the session is not this caller's, for this person.
    if (!s || s.outSeqNo !== body.out_seq_no || s.openid !== body.openid || s.certHash !== body.cert_hash)
      return reply({ errcode: 85500, errmsg: 'verify info mismatch' });
    return reply({ errcode: 0, errmsg: 'ok', verify_ret: s.verifyRet });
  }
  return reply({ errcode: 40066, errmsg: 'invalid url' });
};
void realFetch;

// --- the functions --------------------------------------------------------------------------------
type Main = (event: unknown, context: unknown) => Promise<unknown>;
const mains = new Map<string, Main>();
function fn(name: string): Main {
  if (!/^[a-z]+$/.test(name)) throw new Error(`bad function name ${name}`);
  let m = mains.get(name);
  if (!m) {
    m = (require(join(dir, 'functions', name, 'index.js')) as { main: Main }).main;
    mains.set(name, m);
  }
  return m;
}

let requests = 0;
function invoke(name: string, event: unknown, openid?: string): Promise<unknown> {
  return sdk.__standIn.invoke(openid, () => fn(name)(event, { request_id: `req-${++requests}`, function_name: name }));
}

// --- the HTTP access service ------------------------------------------------------------------------
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://stand-in');
      const route = rc.gateway.routes
        .filter((r) => url.pathname === r.path || url.pathname.startsWith(`${r.path}/`))
        .sort((a, b) => b.path.length - a.path.length)[0];
      if (!route || !route.target.startsWith('function:')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"INVALID_PATH"}');
        return;
      }
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const event = {
        httpMethod: req.method,
        path: route.enablePathTransmission ? url.pathname : url.pathname.slice(route.path.length) || '/',
        headers,
        queryStringParameters: Object.fromEntries(url.searchParams),
        body: body.length ? body.toString('utf8') : undefined,
        isBase64Encoded: false,
        requestContext: { envId: 'ithc-test-1a2b3c' },
      };
      const out = (await invoke(route.target.slice('function:'.length), event)) as {
        statusCode: number;
        headers?: Record<string, string>;
        body: string;
        isBase64Encoded?: boolean;
      };
      res.writeHead(out.statusCode, out.headers ?? {}).end(out.isBase64Encoded ? Buffer.from(out.body, 'base64') : out.body);
    })().catch((e: unknown) => {
      logged.push(`host: ${e instanceof Error ? e.stack : String(e)}`);
      res
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'FUNCTION_FAILED', message: e instanceof Error ? e.message : String(e) }));
    });
  });
});

// --- the parent's commands ------------------------------------------------------------------------
type Command =
  | { type: 'call'; fn: string; event: unknown; openid: string }
  | { type: 'timer'; fn: string; trigger: string }
  | { type: 'advance'; ms: number }
  | { type: 'now' }
  | { type: 'dump'; collection: string }
  | { type: 'files' }
  | { type: 'logs' }
  | { type: 'faceOutcome'; verifyRet: number };

async function run(c: Command): Promise<unknown> {
  switch (c.type) {
    case 'call':
      return invoke(c.fn, c.event, c.openid);
    case 'timer':
      return invoke(c.fn, { Type: 'Timer', TriggerName: c.trigger, Time: new Date(Date.now()).toISOString() });
    case 'advance':
      offset += c.ms;
      return Date.now();
    case 'now':
      return Date.now();
    case 'dump':
      return sdk.__standIn.db.dump(c.collection);
    case 'files':
      return sdk.__standIn.files().map((f) => ({ fileID: f.fileID, path: f.path, base64: Buffer.from(f.bytes).toString('base64') }));
    case 'logs':
      return logged.splice(0);
    case 'faceOutcome':
      nextFaceOutcome = c.verifyRet;
      return null;
  }
}

process.on('message', (m: { id: number; command: Command }) => {
  run(m.command).then(
    (result) => process.send!({ id: m.id, ok: true, result: result === undefined ? null : result }),
    (e: unknown) => process.send!({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});

server.listen(0, '127.0.0.1', () => process.send!({ ready: (server.address() as AddressInfo).port }));
