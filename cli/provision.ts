/**
 * `ithc provision`: an operator provisions and runs a deployment from their own machine
 * (docs/deploy.md). Every action is a call of the admin function over HTTP — POST <url>/admin,
 * signed with the operator's key (server/provision/operator-auth.ts) — so the same commands work
 * against the deployed functions (CloudBase's HTTP access service) and the local gateway.
 *
 *   keygen --key-out FILE         an operator key: private key to a 0600 file, the public key printed
 *   init                          collections, environment check, what is left to do
 *   import-documents FILE         the travel-document registry export (CSV, JSON Lines or JSON)
 *   import-citizens FILE          the citizen registry export
 *   add-source ... --key-out FILE a lab or vaccination site; its key written once to FILE (0600)
 *   rotate-source-key --id ID --key-out FILE
 *   sources | operators | add-operator | remove-operator | set-source-active
 *   install-csca FILE | rotate-key [--kind K] [--csr-out FILE] | install-certificate FILE | keys
 *   call ACTION [JSON]            any admin action (docs/functions.md)
 *
 * Secrets: the operator key never leaves its file; a source's key arrives sealed to a key this
 * command makes for the one request (server/provision/sealed-secret.ts) and is written only to the
 * 0600 file named; nothing secret is printed.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { toBase64 } from '../core/bytes';
import { chinaDate } from '../core/resident-id';
import { CITIZEN_COLUMNS, DOCUMENT_COLUMNS, IMPORT_BATCH_ROWS, checkCitizenRow, checkDocumentRow, type ImportReport } from '../server/provision/imports';
import { ADMIN_PATH, operatorKeyId, signOperatorRequest } from '../server/provision/operator-signing';
import { openSecret, type SealedSecret } from '../server/provision/sealed-secret';
import { actionOf, formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { readInputFile } from './trust';
import type { Io } from './verify';

export const PROVISION_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'url',
    value: 'URL',
    help: {
      en: "the deployment's public address (default $ITHC_URL), e.g. https://ithc.example.gov.cn; http only for this machine",
      zh: '部署的公开地址（默认 $ITHC_URL）',
    },
  },
  { name: 'key', value: 'FILE', help: { en: 'the operator key (default $ITHC_OPERATOR_KEY), made by keygen', zh: '运营密钥文件（默认 $ITHC_OPERATOR_KEY）' } },
  {
    name: 'key-out',
    value: 'FILE',
    help: {
      en: "keygen: the new operator key; add-source, rotate-source-key: the source's key (created 0600, never overwritten)",
      zh: '新密钥写入的文件（权限 0600，不覆盖）',
    },
  },
  { name: 'format', value: 'csv|jsonl|json', help: { en: "imports: the file's format (default from its extension)", zh: '导入文件格式（默认按扩展名）' } },
  {
    name: 'skip-invalid',
    help: { en: 'imports: send the valid rows even when some are invalid (default: send nothing then)', zh: '导入：有无效行时仍发送有效行' },
  },
  {
    name: 'id',
    value: 'ID',
    help: { en: 'a source id (add-source, rotate-source-key, set-source-active) or an operator id (remove-operator)', zh: '机构编号或运营人员编号' },
  },
  { name: 'name', value: 'TEXT', help: { en: "add-source: the institution's name; add-operator: who the operator is", zh: '机构名称或运营人员姓名' } },
  { name: 'type', value: 'lab|vaccination-site', help: { en: 'add-source: the kind of source', zh: '机构类型' } },
  { name: 'country', value: 'XX', help: { en: 'add-source: ISO 3166-1 alpha-2 (default CN)', zh: '国家代码（默认 CN）' } },
  { name: 'active', value: 'true|false', help: { en: 'set-source-active: resume or stop a source', zh: '启用或停用机构' } },
  { name: 'openid', value: 'OPENID', help: { en: 'add-operator: a WeChat account', zh: '运营人员的微信 OPENID' } },
  { name: 'public-key', value: 'BASE64', help: { en: "add-operator: an operator key's public key (keygen prints it)", zh: '运营密钥公钥' } },
  { name: 'reason', value: 'TEXT', help: { en: 'remove-operator: why', zh: '原因' } },
  { name: 'kind', value: 'dsc|ithc-dsc|trustlist-signer', help: { en: 'rotate-key: which key (default dsc)', zh: '密钥类型（默认 dsc）' } },
  { name: 'csr-out', value: 'FILE', help: { en: 'rotate-key: write the certificate signing request to FILE', zh: '证书签名请求写入文件' } },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const PROVISION_HELP = `Usage: ithc provision keygen --key-out FILE
       ithc provision ACTION [--url URL] [--key FILE] [OPTIONS]
用法: ithc provision 操作 [选项]

Provisions and runs a deployment from the operator's machine: each action calls the admin function
at URL/admin, signed with the operator key (docs/deploy.md). Every step can be run again safely.
从运营人员的计算机配置和运行部署：每个操作经签名调用 admin 云函数，均可安全重复执行。

Actions 操作:
  keygen --key-out FILE          make an operator key; add its public key to ITHC_OPERATOR_KEYS or with add-operator
  init                           create the collections, check the environment, list what is left to do
  import-documents FILE          import the travel-document registry (columns: ${DOCUMENT_COLUMNS.join(', ')})
  import-citizens FILE           import the citizen registry (columns: ${CITIZEN_COLUMNS.join(', ')})
  add-source --id ID --name TEXT --type lab|vaccination-site [--country XX] --key-out FILE
  rotate-source-key --id ID --key-out FILE
  set-source-active --id ID --active true|false
  sources | operators | keys
  add-operator --name TEXT (--openid OPENID | --public-key BASE64)
  remove-operator --id ID --reason TEXT
  install-csca FILE              the CSCA certificate made offline (ithc keys create-csca)
  rotate-key [--kind dsc|ithc-dsc|trustlist-signer] [--csr-out FILE]
  install-certificate FILE       a certificate the offline CSCA issued (ithc keys certify)
  call ACTION [JSON]             any admin action, e.g. call revoke '{"certificateId":"...","reason":"..."}'

Options 选项:
${formatOptions(PROVISION_OPTIONS)}

Exit status 退出码: 0 done 完成 · 1 refused (the answer's error, or rows rejected) 被拒绝 · 2 usage or connection error 用法或连接错误
`;

const ACTIONS = [
  'keygen',
  'init',
  'import-documents',
  'import-citizens',
  'add-source',
  'rotate-source-key',
  'set-source-active',
  'sources',
  'operators',
  'keys',
  'add-operator',
  'remove-operator',
  'install-csca',
  'rotate-key',
  'install-certificate',
  'call',
] as const;
type Action = (typeof ACTIONS)[number];

/** Options each action takes besides --url and --key (help excepted). */
const TAKES: Record<Action, readonly string[]> = {
  keygen: ['key-out'],
  init: [],
  'import-documents': ['format', 'skip-invalid'],
  'import-citizens': ['format', 'skip-invalid'],
  'add-source': ['id', 'name', 'type', 'country', 'key-out'],
  'rotate-source-key': ['id', 'key-out'],
  'set-source-active': ['id', 'active'],
  sources: [],
  operators: [],
  keys: [],
  'add-operator': ['name', 'openid', 'public-key'],
  'remove-operator': ['id', 'reason'],
  'install-csca': [],
  'rotate-key': ['kind', 'csr-out'],
  'install-certificate': [],
  call: [],
};
const POSITIONALS: Partial<Record<Action, [number, number]>> = {
  'import-documents': [1, 1],
  'import-citizens': [1, 1],
  'install-csca': [1, 1],
  'install-certificate': [1, 1],
  call: [1, 2],
};

type Envelope = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };

/** A refusal from the deployment: printed, exit status 1. */
class Refused extends Error {}

interface Connection {
  url: URL;
  keyId: string;
  privateKey: KeyObject;
}

export async function provisionCommand(argv: readonly string[], io: Io): Promise<number> {
  const { options, positionals } = parseArgs(PROVISION_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(PROVISION_HELP);
    return 0;
  }
  const { action: a, rest } = actionOf<Action>('provision', ACTIONS, positionals);
  const connected = a !== 'keygen';
  for (const name of Object.keys(options)) {
    if (name === 'help' || (connected && (name === 'url' || name === 'key'))) continue;
    if (!TAKES[a].includes(name)) throw new UsageError(`--${name} is not an option of provision ${a}`);
  }
  const [min, max] = POSITIONALS[a] ?? [0, 0];
  if (rest.length < min || rest.length > max)
    throw new UsageError(max === 0 ? `provision ${a} takes no argument` : `provision ${a} needs ${min === max ? min : `${min}–${max}`} argument(s)`);
  const text = (name: string): string | undefined => (typeof options[name] === 'string' ? options[name] : undefined);
  const required = (name: string): string => {
    const v = text(name);
    if (v === undefined || v === '') throw new UsageError(`provision ${a} needs --${name}`);
    return v;
  };
  if (a === 'keygen') return keygen(io, required('key-out'));

  const conn = connect(text('url') ?? process.env.ITHC_URL, text('key') ?? process.env.ITHC_OPERATOR_KEY);
  const call = (event: Record<string, unknown>) => callAdmin(conn, event);
  try {
    switch (a) {
      case 'init':
        return print(io, await call({ action: 'init' }));
      case 'import-documents':
      case 'import-citizens':
        return await importFile(io, conn, a, rest[0], { format: text('format'), skipInvalid: options['skip-invalid'] === true });
      case 'add-source': {
        const keyOut = freshFile(required('key-out'));
        const country = text('country') ?? 'CN';
        const recipient = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const answer = (await call({
          action: 'addSource',
          id: required('id'),
          name: required('name'),
          type: required('type'),
          country,
          recipient: spki(recipient.publicKey),
        })) as { source: unknown; key: SealedSecret | null; outcome: string };
        return sourceKey(io, answer, recipient.privateKey, keyOut);
      }
      case 'rotate-source-key': {
        const keyOut = freshFile(required('key-out'));
        const recipient = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const answer = (await call({ action: 'rotateSourceKey', id: required('id'), recipient: spki(recipient.publicKey) })) as {
          source: unknown;
          key: SealedSecret | null;
          outcome: string;
        };
        return sourceKey(io, answer, recipient.privateKey, keyOut);
      }
      case 'set-source-active': {
        const v = required('active');
        if (v !== 'true' && v !== 'false') throw new UsageError('--active must be true or false');
        return print(io, await call({ action: 'setSourceActive', id: required('id'), active: v === 'true' }));
      }
      case 'sources':
      case 'operators':
      case 'keys':
        return print(io, await call({ action: a }));
      case 'add-operator': {
        const event: Record<string, unknown> = { action: 'addOperator', name: required('name') };
        if (text('openid') !== undefined) event.openid = text('openid');
        if (text('public-key') !== undefined) event.publicKey = text('public-key');
        return print(io, await call(event));
      }
      case 'remove-operator':
        return print(io, await call({ action: 'removeOperator', id: required('id'), reason: required('reason') }));
      case 'install-csca':
      case 'install-certificate':
        return print(
          io,
          await call({
            action: a === 'install-csca' ? 'installCsca' : 'installCertificate',
            certificate: new TextDecoder().decode(readInputFile(rest[0], 'certificate', 16 * 1024)),
          }),
        );
      case 'rotate-key': {
        const csrOut = text('csr-out') === undefined ? undefined : freshFile(text('csr-out')!);
        const view = (await call({ action: 'rotateKey', ...(text('kind') ? { kind: text('kind') } : {}) })) as { csr?: string };
        if (csrOut && view.csr) {
          writeFileSync(csrOut, view.csr, { flag: 'wx' });
          io.stderr.write(
            `wrote the certificate signing request to ${csrOut}: certify it offline (ithc keys certify), then ithc provision install-certificate.\n`,
          );
        }
        return print(io, view);
      }
      case 'call': {
        let input: unknown = {};
        if (rest[1] !== undefined) {
          try {
            input = JSON.parse(rest[1]);
          } catch {
            throw new UsageError('call: the input must be a JSON object');
          }
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UsageError('call: the input must be a JSON object');
        return print(io, await call({ ...(input as Record<string, unknown>), action: rest[0] }));
      }
    }
  } catch (e) {
    if (e instanceof Refused) {
      io.stderr.write(`ithc: refused: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function print(io: Io, data: unknown): number {
  io.stdout.write(JSON.stringify(data, null, 2) + '\n');
  return 0;
}

function spki(key: KeyObject): string {
  return toBase64(new Uint8Array(key.export({ type: 'spki', format: 'der' })));
}

/** A file name for a secret about to be written: refused now if it exists, before anything is asked of the cloud. */
function freshFile(path: string): string {
  if (existsSync(path)) throw new UsageError(`${path} exists; refusing to overwrite it`);
  return path;
}

function keygen(io: Io, keyOut: string): number {
  freshFile(keyOut);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyOut, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  io.stdout.write(`${toBase64(der)}\n`);
  io.stderr.write(
    `wrote an operator key to ${keyOut} (0600; keep it to yourself). Its public key is printed above (key id ${operatorKeyId(der)}): put it in ITHC_OPERATOR_KEYS, or have an operator add it (ithc provision add-operator --public-key ...).\n已生成运营密钥，公钥见上。\n`,
  );
  return 0;
}

function connect(url: string | undefined, keyFile: string | undefined): Connection {
  if (!url) throw new UsageError("give the deployment's address: --url or $ITHC_URL");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`);
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(u.hostname);
  // Plain http would carry signed requests and sealed keys past anyone on the way; only this machine is exempt.
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new UsageError("--url must be https:// (plain http only for this machine's local gateway)");
  if (!keyFile) throw new UsageError('give the operator key: --key or $ITHC_OPERATOR_KEY (ithc provision keygen makes one)');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(new TextDecoder().decode(readInputFile(keyFile, 'operator key', 16 * 1024)));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${keyFile} is not an operator key (ithc provision keygen makes one)`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new UsageError(`${keyFile} is not a P-256 key`);
  const der = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return { url: new URL(ADMIN_PATH, u.origin), keyId: operatorKeyId(der), privateKey };
}

async function callAdmin(conn: Connection, event: Record<string, unknown>): Promise<unknown> {
  const body = new TextEncoder().encode(JSON.stringify(event));
  const headers = signOperatorRequest({ method: 'POST', path: ADMIN_PATH, body, keyId: conn.keyId, privateKey: conn.privateKey, now: Date.now() });
  let res: Response;
  try {
    res = await fetch(conn.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new UsageError(`cannot reach ${conn.url.origin}: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`);
  }
  const text = await res.text();
  let env: Envelope;
  try {
    env = JSON.parse(text) as Envelope;
  } catch {
    throw new UsageError(`${conn.url.href} answered HTTP ${res.status} without JSON: ${text.slice(0, 200)}`);
  }
  if (!env || typeof env !== 'object' || typeof env.ok !== 'boolean')
    throw new UsageError(`${conn.url.href} answered HTTP ${res.status} with something other than a function's answer`);
  if (!env.ok) {
    const fields = env.error.fields
      ? `\n${Object.entries(env.error.fields)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}`
      : '';
    throw new Refused(`${env.error.code}: ${env.error.message}${fields}`);
  }
  return env.data;
}

function sourceKey(io: Io, answer: { source: unknown; key: SealedSecret | null; outcome: string }, privateKey: KeyObject, keyOut: string): number {
  if (answer.key) {
    const key = openSecret(answer.key, privateKey);
    writeFileSync(keyOut, Buffer.from(key), { flag: 'wx', mode: 0o600 });
    key.fill(0);
    io.stderr.write(
      `wrote the source's ingestion key to ${keyOut} (0600). Hand it to the source by a secure channel, then delete this copy: it cannot be shown again (rotate-source-key makes a new one).\n已写入机构密钥，仅此一次。\n`,
    );
  } else {
    io.stderr.write(
      `the source has a key already (shown when it was made); nothing was written. For a new one: ithc provision rotate-source-key --id ... --key-out FILE\n`,
    );
  }
  return print(io, { outcome: answer.outcome, source: answer.source });
}

// --- imports ------------------------------------------------------------------------------------

/** Largest JSON (array) export read whole; CSV and JSON Lines are streamed, of any length. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Rows a file may have: far beyond any national registry export, small enough to notice a runaway file. */
const MAX_ROWS = 50_000_000;
/** Problems printed before the rest are only counted. */
const MAX_PRINTED = 100;

interface Row {
  /** Line of the file the row starts on (1-based), for the operator. */
  line: number;
  value: unknown;
}

async function* rowsOf(file: string, format: string, columns: readonly string[]): AsyncGenerator<Row> {
  if (format === 'csv') {
    const { parse } = await import('csv-parse');
    const parser = createReadStream(file).pipe(
      parse({
        bom: true,
        columns: (header: string[]) => {
          const got = header.map((h) => h.trim());
          const missing = columns.filter((c) => !got.includes(c));
          const extra = got.filter((c) => !columns.includes(c));
          if (missing.length || extra.length)
            throw new UsageError(
              `${file}: the header must name the columns ${columns.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`,
            );
          return got;
        },
        skip_empty_lines: true,
        relax_column_count: false,
        max_record_size: 4096,
        info: true,
      }),
    );
    for await (const r of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) yield { line: r.info.lines, value: r.record };
    return;
  }
  if (format === 'jsonl') {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      if (text.length > 4096) throw new UsageError(`${file}:${line}: a line longer than 4096 characters is no registry row`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new UsageError(`${file}:${line}: not JSON`);
      }
      yield { line, value };
    }
    return;
  }
  const doc = JSON.parse(new TextDecoder().decode(readInputFile(file, 'export', MAX_JSON_BYTES))) as unknown;
  const list = Array.isArray(doc) ? doc : undefined;
  if (!list) throw new UsageError(`${file}: a JSON export is an array of rows (or use JSON Lines, one row a line)`);
  let i = 0;
  for (const value of list) yield { line: ++i, value };
}

function formatOf(file: string, given: string | undefined): string {
  const f = given ?? (/\.csv$/i.test(file) ? 'csv' : /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : /\.json$/i.test(file) ? 'json' : undefined);
  if (f !== 'csv' && f !== 'jsonl' && f !== 'json') throw new UsageError(`say the format of ${file} with --format csv|jsonl|json`);
  return f;
}

async function importFile(
  io: Io,
  conn: Connection,
  a: 'import-documents' | 'import-citizens',
  file: string,
  o: { format?: string; skipInvalid: boolean },
): Promise<number> {
  const documents = a === 'import-documents';
  const columns = documents ? DOCUMENT_COLUMNS : CITIZEN_COLUMNS;
  const check = documents ? checkDocumentRow : checkCitizenRow;
  const format = formatOf(file, o.format);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`cannot read ${file}`);
  const today = chinaDate(Date.now());
  // First pass: every row checked here, as the cloud will check it, before anything is sent.
  let rows = 0;
  let invalid = 0;
  const problems: string[] = [];
  for await (const r of rowsOf(file, format, columns)) {
    if (++rows > MAX_ROWS) throw new UsageError(`${file} has more than ${MAX_ROWS} rows`);
    const c = check(r.value, today);
    if (c.ok) continue;
    invalid++;
    for (const p of c.problems) if (problems.length < MAX_PRINTED) problems.push(`${file}:${r.line}: ${p.field || 'row'}: ${p.code}: ${p.message}`);
  }
  if (problems.length) io.stderr.write(problems.join('\n') + (invalid > problems.length ? `\n… and more (${invalid} invalid rows in all)` : '') + '\n');
  if (invalid && !o.skipInvalid) {
    io.stderr.write(
      `${invalid} of ${rows} rows are invalid: nothing was sent. Correct them, or send the valid ones with --skip-invalid.\n有无效行，未发送任何数据。\n`,
    );
    return 1;
  }
  // Second pass: the valid rows, in batches, each one call (idempotent: a run cut off is completed by running it again).
  const total: ImportReport = { received: 0, created: 0, updated: 0, unchanged: 0, rejected: [] };
  let refusedRows = 0;
  const rejected: string[] = [];
  let batch: Row[] = [];
  const send = async () => {
    if (!batch.length) return;
    const report = (await callAdmin(conn, { action: documents ? 'importDocuments' : 'importCitizens', rows: batch.map((r) => r.value) })) as ImportReport;
    total.received += report.received;
    total.created += report.created;
    total.updated += report.updated;
    total.unchanged += report.unchanged;
    refusedRows += new Set(report.rejected.map((p) => p.row)).size;
    for (const p of report.rejected) {
      total.rejected.push(p);
      if (rejected.length < MAX_PRINTED) rejected.push(`${file}:${batch[p.row]?.line ?? '?'}: ${p.field || 'row'}: ${p.code}: ${p.message}`);
    }
    batch = [];
  };
  try {
    for await (const r of rowsOf(file, format, columns)) {
      if (!check(r.value, today).ok) continue;
      batch.push(r);
      if (batch.length === IMPORT_BATCH_ROWS) await send();
    }
    await send();
  } finally {
    io.stderr.write(
      `${file}: sent ${total.received} rows: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged, ${refusedRows} refused by the cloud${invalid ? `; ${invalid} invalid rows not sent` : ''}\n`,
    );
  }
  if (rejected.length) {
    io.stderr.write(rejected.join('\n') + '\n');
    return 1;
  }
  io.stdout.write(
    JSON.stringify({ file, rows, sent: total.received, created: total.created, updated: total.updated, unchanged: total.unchanged, invalid }) + '\n',
  );
  return invalid ? 1 : 0;
}
