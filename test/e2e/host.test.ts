/**
 * The local gateway answers only for its own host names, in the real server process (`node
 * dist/start.cjs`, what `npm start` runs) with ITHC_PUBLIC_BASE_URL set: loopback names with its
 * port and the public base URL's host. A request naming any other host — what a browser sends after
 * DNS rebinding, when a page's own host name has been pointed at 127.0.0.1 — is refused with 421
 * before any function or route runs, local caller header or not; a missing Host is refused with
 * 400. Then the same attack from a real browser (Chromium, with evil.example resolving to
 * 127.0.0.1), and the web verifier still working from the gateway's own names.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { LOCAL_OPENID_HEADER } from '../../server/gateway';
import { ensureBuilt, startLocalServer, tempDir, type LocalServer } from './helpers';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

const OPERATOR = 'e2e-operator';
const PUBLIC_BASE_URL = 'https://ithc.example.gov.cn';

interface Running extends LocalServer {
  /** The demo traveller's certificate id, as start-up prints it. */
  certificate: string;
}

/** `node dist/start.cjs` in a fresh data folder, as `npm start` runs it (test/e2e/helpers.ts). */
async function startServer(env: Record<string, string>): Promise<Running> {
  const s = await startLocalServer(join(tempDir('host'), 'data'), { ITHC_OPERATORS: OPERATOR, ITHC_SIGN_THREADS: '0', ...env });
  return { ...s, certificate: /^Certificate (\S+),/m.exec(s.output())![1] };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * One request with exactly the Host given (none when null), through node:http, to the gateway on
 * 127.0.0.1 — what a browser does after DNS rebinding: it connects to 127.0.0.1 and names its own host.
 */
function send(
  port: number,
  host: string | null,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (host !== null) headers.host = host;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parse(text) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The exact bytes of a request (for request lines node:http will not write), and the status line and body of the answer. */
function sendRaw(port: number, text: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const data = Buffer.concat(chunks);
      const split = data.indexOf('\r\n\r\n');
      const head = data.subarray(0, split).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      let body = data.subarray(split + 4);
      if (/\r\ntransfer-encoding: chunked/i.test(head)) {
        // Chunk sizes count bytes, not characters.
        const parts: Buffer[] = [];
        for (let at = 0; ;) {
          const eol = body.indexOf('\r\n', at);
          const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
          if (!size) break;
          parts.push(body.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      }
      resolve({ status, body: parse(body.toString('utf8')) });
    });
  });
}

const callAdmin = (port: number, host: string | null, event: Record<string, unknown>) =>
  send(port, host, 'POST', '/functions/admin', { headers: { [LOCAL_OPENID_HEADER]: OPERATOR }, body: JSON.stringify(event) });

function expectMisdirected(a: { status: number; body: any }, label: string): void {
  expect({ label, status: a.status, code: a.body?.error?.code }).toEqual({ label, status: 421, code: 'MISDIRECTED_REQUEST' });
  expect(a.body.ok).toBe(false);
  expect(a.body.error.messageCode).toBe('server.hostMisdirected');
}

let server: Running;
let port: number;

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer({ ITHC_PUBLIC_BASE_URL: PUBLIC_BASE_URL });
  port = server.port;
}, 300_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  }
});

describe('another host name (DNS rebinding)', () => {
  test('the operator header on evil.example gets no admin action: not the revocation list, and a revocation is not carried out', async () => {
    for (const host of ['evil.example', `evil.example:${port}`]) {
      expectMisdirected(await callAdmin(port, host, { action: 'revocations' }), `admin.revocations on ${host}`);
      expectMisdirected(await callAdmin(port, host, { action: 'revoke', certificateId: server.certificate, reason: 'rebinding' }), `admin.revoke on ${host}`);
    }
    // From the gateway's own name the operator sees that nothing was revoked.
    const list = await callAdmin(port, `127.0.0.1:${port}`, { action: 'revocations' });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body.data)).not.toContain(server.certificate);
  });

  test('every function, route and method is refused the same way', async () => {
    const host = `evil.example:${port}`;
    for (const fn of ['identity', 'document', 'certificate', 'relatives', 'partners', 'admin', 'trustlist', 'nope']) {
      expectMisdirected(
        await send(port, host, 'POST', `/functions/${fn}`, { headers: { [LOCAL_OPENID_HEADER]: OPERATOR }, body: '{"action":"get"}' }),
        `POST /functions/${fn}`,
      );
    }
    for (const path of [
      '/trustlist',
      '/trustlist/dsc',
      '/trustlist/signed',
      '/verify',
      '/verify/',
      '/verify/index.html',
      '/health',
      `/files/${'A'.repeat(22)}.pdf`,
      '/ingest/records',
      '/nope',
    ]) {
      for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS']) {
        const a = await send(port, host, method, path, method === 'POST' ? { body: '{}' } : {});
        // HEAD answers carry no body: the status says it.
        if (method === 'HEAD') expect({ path, status: a.status }).toEqual({ path, status: 421 });
        else expectMisdirected(a, `${method} ${path}`);
      }
    }
  });

  test('names that only look like ours are refused: another port, no port, a trailing dot, user info, a list of hosts, an absolute target', async () => {
    for (const host of [
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      'localhost',
      `localhost.:${port}`,
      `127.0.0.2:${port}`,
      `evil.example@127.0.0.1:${port}`,
      `127.0.0.1:${port}@evil.example`,
      `127.0.0.1:${port}.evil.example`,
      `127.0.0.1:${port}, evil.example`,
      'ithc.example.gov.cn:8443',
      'ithc.example.gov.cn.evil.example',
      `[::2]:${port}`,
      '',
    ]) {
      // An empty Host is a missing one (400); every other is another server's name (421).
      const a = await send(port, host, 'GET', '/health');
      if (host === '') expect({ host, status: a.status, code: a.body?.error?.code }).toEqual({ host, status: 400, code: 'BAD_REQUEST' });
      else expectMisdirected(a, `Host: ${host}`);
    }
    // An absolute-form target names the host itself, and takes precedence over the Host header (RFC 9112 §3.2.2).
    expectMisdirected(
      await sendRaw(port, `GET http://evil.example:${port}/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
      'absolute target naming evil.example',
    );
    const own = await sendRaw(port, `GET http://127.0.0.1:${port}/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect({ status: own.status, body: own.body }).toEqual({ status: 200, body: { ok: true } });
  });

  test('no Host at all: 400 with a reason, for HTTP/1.1 and HTTP/1.0 alike', async () => {
    const a = await send(port, null, 'POST', '/functions/admin', { headers: { [LOCAL_OPENID_HEADER]: OPERATOR }, body: '{"action":"revocations"}' });
    expect({ status: a.status, code: a.body?.error?.code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
    expect(a.body.error.messageCode).toBe('server.hostMissing');
    const old = await sendRaw(port, 'GET /trustlist HTTP/1.0\r\n\r\n');
    expect({ status: old.status, code: old.body?.error?.code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });
});

describe('its own names', () => {
  test('loopback names with its port (any letter case) and the public base URL host answer everything', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LocalHost:${port}`,
      `[::1]:${port}`,
      'ithc.example.gov.cn',
      'ithc.example.gov.cn:443',
      'ITHC.example.gov.cn',
    ]) {
      const health = await send(port, host, 'GET', '/health');
      expect({ host, status: health.status }).toEqual({ host, status: 200 });
      const list = await callAdmin(port, host, { action: 'revocations' });
      expect({ host, status: list.status, ok: list.body?.ok }).toEqual({ host, status: 200, ok: true });
      const trust = await send(port, host, 'GET', '/trustlist/signed');
      expect({ host, status: trust.status, format: trust.body?.format }).toEqual({ host, status: 200, format: 'ithc-trustlist' });
    }
  });

  test('ITHC_PUBLIC_BASE_URL that is not an http(s) URL stops the start, saying so', async () => {
    const failed = await startServer({ ITHC_PUBLIC_BASE_URL: 'ithc.example.gov.cn' }).then(
      () => undefined,
      (e: Error & { output?: string }) => e,
    );
    expect(failed?.message).toMatch(/exited with 1/);
    expect(failed?.output).toMatch(/public base URL "ithc\.example\.gov\.cn" is not a URL/);
  });
});

describe('in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      // evil.example resolves to 127.0.0.1: the state DNS rebinding leaves a browser in.
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP evil.example 127.0.0.1'],
    });
  }, 60_000);
  afterAll(async () => browser?.close());

  /** fetch() run in the page: status and body, or the browser's refusal. */
  const fetchIn = (page: import('playwright-core').Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) =>
    page.evaluate(
      async ([u, i]) => {
        try {
          const r = await fetch(u, i);
          return { status: r.status, body: await r.text() };
        } catch (e) {
          return { refused: String(e) };
        }
      },
      [url, init] as const,
    );

  test('a page on evil.example (resolving to 127.0.0.1) gets 421 for itself and for its same-origin call with the operator header', async () => {
    const page = await browser.newPage();
    try {
      const nav = await page.goto(`http://evil.example:${port}/verify/`);
      expect(nav?.status()).toBe(421);
      const r = await fetchIn(page, '/functions/admin', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: OPERATOR },
        body: '{"action":"revocations"}',
      });
      expect(r).toMatchObject({ status: 421 });
      expect(JSON.parse((r as { body: string }).body).error.code).toBe('MISDIRECTED_REQUEST');
    } finally {
      await page.close();
    }
  });

  test('the web verifier loads from the gateway and reads the trust list; another origin may read the trust list but cannot send the caller header to a function', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/verify/`);
      await page.waitForSelector('body[data-ready="true"]');
      const own = await fetchIn(page, '/trustlist/signed', {});
      expect(own).toMatchObject({ status: 200 });
      // http://localhost:port is another origin than http://127.0.0.1:port: the trust list is public
      // (CORS *), the functions answer no CORS preflight, so the browser never sends the call.
      const other = await browser.newPage();
      try {
        await other.goto(`http://localhost:${port}/verify/`);
        expect(await fetchIn(other, `http://127.0.0.1:${port}/trustlist`, {})).toMatchObject({ status: 200 });
        const call = await fetchIn(other, `http://127.0.0.1:${port}/functions/admin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: OPERATOR },
          body: '{"action":"revoke","certificateId":"x","reason":"cross-origin"}',
        });
        expect(call).toHaveProperty('refused');
      } finally {
        await other.close();
      }
    } finally {
      await page.close();
    }
  });
});
