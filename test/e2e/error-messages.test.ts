/**
 * Server errors name their sentence in the shared catalogue (docs/functions.md: `messageCode` and
 * `params`, and the bilingual `message` made of that sentence's Chinese and English): through the
 * gateway of the local app and through a cloud function's own composition, the envelope carries a
 * catalogue code whose words in every language fill in the values the server sent. And every
 * message code the server's source can send has its text in all six languages, so a new code
 * without words fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { call, openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEFAULT_IDENTITY_LIMITS } from '../../server/identity/service';
import { systemClock } from '../../server/clock';
import { composeDocument } from '../../server/cloud/compose/document';
import type { CloudBase } from '../../server/cloud/entry';
import { dispatch } from '../../server/functions/router';
import type { CloudStorageSdk } from '../../server/pdf/storage';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { CATALOGUE, LANGS, format, isMessageCode, placeholders, type MessageCode } from '../../core/view';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { envSecrets, kekEnvironment } from '../cloud/operator';
import { REQUEST_LIMITS } from '../../server/validate';
import { HEADERS as INGEST_HEADERS } from '../../server/ingest/signature';
import { callFn, INGEST_PATH, reply, ROOT, serve, tempDir, verifyIdentity, type Reply, type Served } from './helpers';

const ZHANG = DEMO_CITIZENS[0];
const LI = DEMO_CITIZENS[1];

let app: App;
let server: Served;

beforeAll(async () => {
  app = await openLocalApp(join(tempDir('error-messages'), 'data'));
  await seedDemo(app);
  server = await serve(app);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await app?.store.close();
});

interface ErrorBody {
  code: string;
  message: string;
  messageCode?: string;
  params?: Record<string, string | number>;
}

const errorOf = (r: Reply): ErrorBody => {
  expect(r.body?.ok).toBe(false);
  return r.body.error as ErrorBody;
};

/**
 * The envelope names a catalogue message, every language's text of it takes exactly the params
 * sent, and the fallback `message` is that message's Chinese and English, "中文 / English".
 */
function expectCatalogued(e: ErrorBody, code: string, messageCode: MessageCode, params: Record<string, string | number> = {}): void {
  expect({ code: e.code, messageCode: e.messageCode, params: e.params ?? {} }).toEqual({ code, messageCode, params });
  expect(e.message).toBe(`${format('zh', messageCode, params)} / ${format('en', messageCode, params)}`);
  for (const lang of LANGS) {
    const said = format(lang, messageCode, e.params ?? {});
    expect(said).not.toMatch(/\{[\w+-]+\}/);
    for (const v of Object.values(params)) expect(said).toContain(String(v));
  }
}

test('an unverified caller asking for a certificate is told to verify first', async () => {
  expectCatalogued(errorOf(await callFn(server.base, 'certificate', 'msg-unverified', { action: 'issue' })), 'IDENTITY_REQUIRED', 'server.identityRequired');
});

test('no caller: sign in first', async () => {
  expectCatalogued(errorOf(await callFn(server.base, 'certificate', undefined, { action: 'get' })), 'UNAUTHENTICATED', 'server.signIn');
});

test('an unknown field is named in params', async () => {
  expectCatalogued(
    errorOf(await callFn(server.base, 'identity', 'msg-fields', { action: 'status', nickname: 'x' })),
    'VALIDATION_FAILED',
    'server.unknownFields',
    { fields: 'nickname' },
  );
});

test('a wrong name: the attempts left, counted down by the server, are a parameter', async () => {
  const caller = 'msg-mismatch';
  const person = { name: LI.name, idNumber: ZHANG.idNumber };
  const max = Math.min(DEFAULT_IDENTITY_LIMITS.failuresPerCaller.max, DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller.max);
  for (const left of [max - 1, max - 2]) {
    const session = await callFn(server.base, 'identity', caller, { action: 'beginFaceCheck', ...person });
    const r = await callFn(server.base, 'identity', caller, { action: 'verify', ...person, faceToken: session.body.data.faceToken });
    expectCatalogued(errorOf(r), 'IDENTITY_MISMATCH', 'server.identityMismatchLeft', { n: left });
  }
});

test('a destination that is not a partner is named in params', async () => {
  const caller = 'msg-destination';
  await verifyIdentity(server.base, caller, ZHANG);
  expectCatalogued(errorOf(await callFn(server.base, 'certificate', caller, { action: 'seal', destination: 'ZZ' })), 'NOT_FOUND', 'server.notPartner', {
    destination: 'ZZ',
  });
});

test('deleting an account without confirming says what to confirm', async () => {
  expectCatalogued(
    errorOf(await callFn(server.base, 'identity', 'msg-delete', { action: 'deleteAccount', confirm: false })),
    'VALIDATION_FAILED',
    'server.confirmDeletion',
  );
});

test('a cloud function composed alone answers with the same message codes', async () => {
  const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  const env = kekEnvironment();
  // The document function stores no files: cloud storage is never reached.
  const sdk: CloudStorageSdk = {
    uploadFile: () => Promise.reject(new Error('no cloud storage here')),
    getTempFileURL: () => Promise.reject(new Error('no cloud storage here')),
  };
  const base: CloudBase = { store, secrets: envSecrets(env), clock: systemClock, env, sdk, operators: [] };
  const { def } = await composeDocument(base);
  const bind = await dispatch(def!, { action: 'bind', type: 'ordinary', number: 'E12345678', expiry: '2030-01-01' }, { openid: 'msg-cloud', operator: false });
  if (bind.ok) throw new Error('an unverified caller bound a document');
  expectCatalogued(bind.error, 'IDENTITY_REQUIRED', 'server.identityRequired');
  const unknown = await dispatch(def!, { action: 'current', extra: 1 }, { openid: 'msg-cloud', operator: false });
  if (unknown.ok) throw new Error('an unknown field was accepted');
  expectCatalogued(unknown.error, 'VALIDATION_FAILED', 'server.unknownFields', { fields: 'extra' });
});

test('the local gateway names its size and method refusals in the catalogue', async () => {
  const big = new Uint8Array(REQUEST_LIMITS.maxBytes + 1).fill(0x20);
  expectCatalogued(errorOf(await callFn(server.base, 'certificate', 'msg-big', undefined, big)), 'PAYLOAD_TOO_LARGE', 'server.payloadTooLarge', {
    n: REQUEST_LIMITS.maxBytes,
  });
  expectCatalogued(
    errorOf(await reply(await fetch(`${server.base}/trustlist`, { method: 'POST', body: '{}' }))),
    'METHOD_NOT_ALLOWED',
    'server.methodNotAllowed',
    {
      method: 'GET',
    },
  );
});

test('a record source is told in catalogue words which signature headers it left out', async () => {
  const r = await reply(
    await fetch(`${server.base}${INGEST_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"records":[]}' }),
  );
  expectCatalogued(errorOf(r), 'UNAUTHENTICATED', 'server.signedHeadersRequired', { headers: Object.values(INGEST_HEADERS).join(', ') });
});

/** Every .ts file under server/. */
function serverSources(dir = join(ROOT, 'server')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? serverSources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('every message code the server can send has text in all six languages, with the English placeholders', () => {
  const used = new Map<string, string>();
  for (const file of serverSources()) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](server\.[A-Za-z0-9_.+-]+)['"`]/g)) used.set(m[1], relative(ROOT, file));
  }
  // The traveller's errors are many; a scan that found few would be scanning the wrong thing.
  expect(used.size).toBeGreaterThan(40);
  for (const [code, file] of used) {
    expect({ code, file, known: isMessageCode(code) }).toEqual({ code, file, known: true });
    const c = code as MessageCode;
    const en = CATALOGUE.en[c];
    const want = placeholders(typeof en === 'string' ? en : en.other);
    for (const lang of LANGS) {
      const m = CATALOGUE[lang][c];
      const text = typeof m === 'string' ? m : m?.other;
      expect({ code, lang, text: typeof text === 'string' && text.trim().length > 0, placeholders: text ? placeholders(text) : [] }).toEqual({
        code,
        lang,
        text: true,
        placeholders: want,
      });
    }
  }
});

/**
 * Whether the options argument of `new ServiceError` names a catalogue message: an object with
 * `messageCode`, a spread or a variable of this file whose value does, or both arms of a `?:` that do.
 */
function namesMessage(node: ts.Expression, file: ts.SourceFile, seen = new Set<string>()): boolean {
  if (ts.isParenthesizedExpression(node)) return namesMessage(node.expression, file, seen);
  if (ts.isConditionalExpression(node)) return namesMessage(node.whenTrue, file, seen) && namesMessage(node.whenFalse, file, seen);
  if (ts.isObjectLiteralExpression(node))
    return node.properties.some(
      (p) => (ts.isPropertyAssignment(p) && p.name.getText(file) === 'messageCode') || (ts.isSpreadAssignment(p) && namesMessage(p.expression, file, seen)),
    );
  if (ts.isIdentifier(node) && !seen.has(node.text)) {
    // A copy per path: the same variable may be named in both arms of a `?:`; the set only stops a cycle.
    const inner = new Set(seen).add(node.text);
    let found = false;
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === node.text && n.initializer)
        found ||= namesMessage(n.initializer, file, inner);
      ts.forEachChild(n, visit);
    };
    visit(file);
    return found;
  }
  return false;
}

test('every ServiceError the server raises names its catalogue message', () => {
  const sites: string[] = [];
  const missing: string[] = [];
  for (const path of serverSources()) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && n.expression.getText(file) === 'ServiceError') {
        const where = `${relative(ROOT, path)}:${file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1}`;
        sites.push(where);
        const init = n.arguments?.[1];
        if (n.arguments?.length !== 2 || !init || !namesMessage(init, file)) missing.push(where);
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  // A parser that found few sites would be reading the wrong files.
  expect(sites.length).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});

/**
 * The params an options literal gives, by name: `params: { n, id: x }` → ['id', 'n'], none when it
 * has no params; undefined when they are not written out here (a variable, a spread).
 */
function paramNames(init: ts.ObjectLiteralExpression, file: ts.SourceFile): string[] | undefined {
  const params = init.properties.find((p) => p.name?.getText(file) === 'params');
  if (!params) return init.properties.some(ts.isSpreadAssignment) ? undefined : [];
  if (!ts.isPropertyAssignment(params) || !ts.isObjectLiteralExpression(params.initializer)) return undefined;
  const names: string[] = [];
  for (const p of params.initializer.properties) {
    if (!(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) return undefined;
    names.push(p.name.getText(file).replace(/^['"]|['"]$/g, ''));
  }
  return names.sort();
}

test('every ServiceError written with its message code gives exactly the params the sentence fills in', () => {
  // The `message` is rendered from the catalogue too: a placeholder left without its value would show as "{name}".
  const checked: string[] = [];
  const wrong: unknown[] = [];
  for (const path of [...serverSources(), ...serverSources(join(ROOT, 'node'))]) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      const init = ts.isNewExpression(n) && n.expression.getText(file) === 'ServiceError' ? n.arguments?.[1] : undefined;
      if (init && ts.isObjectLiteralExpression(init)) {
        const code = init.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === 'messageCode');
        const names = paramNames(init, file);
        if (code && ts.isStringLiteral(code.initializer) && names) {
          const where = `${relative(ROOT, path)}:${file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1}`;
          const en = CATALOGUE.en[code.initializer.text as MessageCode];
          const want = en === undefined ? ['(no such code)'] : placeholders(typeof en === 'string' ? en : en.other);
          checked.push(where);
          if (want.join() !== names.join()) wrong.push({ where, messageCode: code.initializer.text, params: names, placeholders: want });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  expect(checked.length).toBeGreaterThan(100);
  expect(wrong).toEqual([]);
});

test('the local app called in process (node/local) answers with the same envelope', async () => {
  const r = await call(app, 'identity', 'msg-local-unbind', { action: 'unbind' });
  if (r.ok) throw new Error('an account without an identity released one');
  expect(r.error.messageCode).toBe('server.noIdentityToRelease');
});
