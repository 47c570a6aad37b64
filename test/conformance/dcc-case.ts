/**
 * The EU DCC test data (eu-digital-green-certificates/dgc-testdata; where it is: test/support/testdata.ts)
 * read case by case, and each stated stage flag evaluated with our core.
 *
 * A case is one `<country>/[version/]2DCode/raw/<name>.json` (IE spells the folder `Raw`). Each holds some of
 * the pipeline's intermediates (PREFIX, BASE45, COMPRESSED, COSE, CBOR, JSON, 2DCODE) and
 * EXPECTEDRESULTS flags saying which stage should succeed. A flag is evaluated on the field the
 * data's README names for it; when that field is missing, on the same stage reached through the
 * chain from the nearest field upstream (e.g. COMPRESSION on the base45-decoded PREFIX). A flag
 * whose input is absent altogether is reported as not evaluable, by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { bytesEqual, fromHex } from '../../core/bytes';
import { decodeLenient, encodeStrict, mapGet, Tag, toJsonValue, type CborValue } from '../../core/cbor';
import { parseCoseSign1 } from '../../core/cose';
import { parseClaims, type UnverifiedClaims } from '../../core/cwt';
import { dccToCbor, readDcc } from '../../core/dcc';
import { validateDccSchema } from '../../core/dcc-schema';
import { IthcError, type ErrorCode } from '../../core/errors';
import { decodeStages, verifyCode, type Verdict } from '../../core/hcert';
import { KeyStore, type TrustedKey } from '../../core/keys';
import { trustedKeyFromCertificate } from '../../core/x509';
import { deflate, inflate } from '../../core/zlib';
import { DEFAULT_LIMITS } from '../../core/limits';
import type { CryptoProvider } from '../../core/crypto/provider';
import { testdataPath } from '../support/testdata';

export const TESTDATA_DIR = testdataPath('dcc-testdata');

/** The stage flags, by the name the data's README gives them (without the EXPECTED prefix). */
export const FLAGS = [
  'PICTUREDECODE',
  'UNPREFIX',
  'B45DECODE',
  'COMPRESSION',
  'DECODE',
  'VERIFY',
  'EXPIRATIONCHECK',
  'SCHEMAVALIDATION',
  'KEYUSAGE',
  'VALIDJSON',
  'VALIDOBJECT',
  'ENCODE',
] as const;
export type Flag = (typeof FLAGS)[number];

/**
 * EXPECTEDRESULTS keys → flags. BG 1–4 and ES 201–203 write `EXPTECTEDEXPIRED: true`, a key the
 * data's README does not define. Read as "expected: expired", all seven would be wrong: each is
 * described as a valid certificate and its clock lies inside iat–exp. Read as the misspelt
 * expiration check (EXPECTEDEXPIRATIONCHECK), all seven agree; that is how it is read here.
 */
const KEY_TO_FLAG: Readonly<Record<string, Flag>> = Object.freeze({
  EXPECTEDPICTUREDECODE: 'PICTUREDECODE',
  EXPECTEDUNPREFIX: 'UNPREFIX',
  EXPECTEDB45DECODE: 'B45DECODE',
  EXPECTEDCOMPRESSION: 'COMPRESSION',
  EXPECTEDDECODE: 'DECODE',
  EXPECTEDVERIFY: 'VERIFY',
  EXPECTEDEXPIRATIONCHECK: 'EXPIRATIONCHECK',
  EXPECTEDSCHEMAVALIDATION: 'SCHEMAVALIDATION',
  EXPECTEDKEYUSAGE: 'KEYUSAGE',
  EXPECTEDVALIDJSON: 'VALIDJSON',
  EXPECTEDVALIDOBJECT: 'VALIDOBJECT',
  EXPECTEDENCODE: 'ENCODE',
  EXPTECTEDEXPIRED: 'EXPIRATIONCHECK',
});

export interface RawCase {
  JSON?: unknown;
  CBOR?: string;
  COSE?: string;
  COMPRESSED?: string;
  BASE45?: string;
  PREFIX?: string;
  '2DCODE'?: string;
  _2DCODE?: string;
  TESTCTX: { VALIDATIONCLOCK?: string; validationClockInstant?: string; CERTIFICATE?: string; SCHEMA?: string; DESCRIPTION?: string };
  EXPECTEDRESULTS: Record<string, unknown>;
}

export interface Case {
  /** e.g. "common/CO5", "PL/1.3.0/7": the path inside dcc-testdata without 2DCode/raw and .json. */
  id: string;
  file: string;
  raw: RawCase;
  expected: Partial<Record<Flag, boolean>>;
  /** Keys of EXPECTEDRESULTS that state no stage, with why they are not evaluated. */
  ignoredKeys: Record<string, string>;
}

export function listCaseFiles(dir = TESTDATA_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/[\\/]2DCode[\\/]raw[\\/][^\\/]+\.json$/i.test(p)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function caseId(file: string, dir = TESTDATA_DIR): string {
  return path
    .relative(dir, file)
    .split(path.sep)
    .join('/')
    .replace(/\/2DCode\/raw\//i, '/')
    .replace(/\.json$/, '');
}

export function loadCase(file: string): Case {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawCase;
  const expected: Partial<Record<Flag, boolean>> = {};
  const ignoredKeys: Record<string, string> = {};
  const read = (results: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(results)) {
      if (key === 'EXPECTEDRESULTS') {
        // Nested results are merged; ES 1001–1003 instead carry `"EXPECTEDRESULTS": true` among
        // their flags, which names no stage.
        if (value && typeof value === 'object') read(value as Record<string, unknown>);
        else ignoredKeys[key] = 'a nested EXPECTEDRESULTS key holding a boolean names no stage';
        continue;
      }
      const flag = KEY_TO_FLAG[key];
      // Like noble's vector loops: an expectation we do not understand stops the run.
      if (!flag) throw new Error(`${file}: unknown expected-result key ${key}`);
      if (typeof value !== 'boolean') throw new Error(`${file}: ${key} is not a boolean`);
      if (expected[flag] !== undefined && expected[flag] !== value) throw new Error(`${file}: ${key} stated twice, differently`);
      expected[flag] = value;
    }
  };
  read(raw.EXPECTEDRESULTS ?? {});
  return { id: caseId(file), file, raw, expected, ignoredKeys };
}

/**
 * VALIDATIONCLOCK → seconds since the epoch. 303 values carry no zone: those are UTC (as the data's
 * Python harness reads them), never local time. Up to 7 fractional digits occur.
 */
export function parseClock(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/i.exec(s.trim());
  if (!m) throw new Error(`unreadable validation clock ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec) / 1000 + (frac ? parseFloat(frac) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (parseInt(digits.slice(0, 2), 10) * 3600 + parseInt(digits.slice(2), 10) * 60);
  }
  return t;
}

export type Actual = boolean | { notEvaluable: string };

export interface Outcome {
  flag: Flag;
  expected: boolean;
  actual: Actual;
  /** What was compared, and the error code when the stage failed. */
  detail: string;
  /** The verifier's error code for this stage when it failed, if one applies. */
  code?: ErrorCode;
}

export interface Providers {
  node: CryptoProvider;
  noble: CryptoProvider;
  webcrypto: CryptoProvider;
}

export interface Evaluation {
  outcomes: Outcome[];
  /** One verdict per provider on the COSE (re-wrapped) or PREFIX, when there is one. */
  verdicts?: Record<keyof Providers, Verdict>;
  /** The code verified, and the key that was trusted. */
  verifiedInput?: string;
  key?: TrustedKey | { error: string };
  /** verifyCode on the PREFIX as printed (node provider): where a decoding stage is meant to fail. */
  prefixVerdict?: Verdict;
  /** The decoded DCC as JSON (from the COSE chain, else the CBOR field) and the clock, for errata checks. */
  dcc?: unknown;
  now?: number;
}

function errorCode(e: unknown): ErrorCode | undefined {
  return e instanceof IthcError ? e.code : undefined;
}

function describeError(e: unknown): string {
  return e instanceof IthcError ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs fn; a throw becomes {error}. */
function attempt<T>(fn: () => T): { value: T } | { error: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

/**
 * Decoded CBOR against JSON. Maps match objects key by key; tag-0/1 dates (decoded to Date) match
 * date strings denoting the same instant (the JSON field keeps the issuer's spelling, e.g. no
 * milliseconds); the CBOR field is not re-encoded (the README's note 2).
 */
export function cborMatchesJson(c: unknown, j: unknown): boolean {
  if (c instanceof Tag) return cborMatchesJson(c.value, j);
  if (c instanceof Date) return typeof j === 'string' && dateMatches(c, j);
  if (c instanceof Map) {
    if (!j || typeof j !== 'object' || Array.isArray(j)) return false;
    const keys = Object.keys(j);
    if (keys.length !== c.size) return false;
    for (const [k, v] of c) {
      if (typeof k !== 'string' || !Object.prototype.hasOwnProperty.call(j, k)) return false;
      if (!cborMatchesJson(v, (j as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  if (Array.isArray(c)) return Array.isArray(j) && c.length === j.length && c.every((x, i) => cborMatchesJson(x, j[i]));
  if (typeof c === 'bigint') return typeof j === 'number' && BigInt(j) === c;
  if (c === undefined) return j === null;
  return c === j;
}

function dateMatches(d: Date, s: string): boolean {
  try {
    return Math.abs(parseClock(s.length === 10 ? `${s}T00:00:00Z` : s) * 1000 - d.getTime()) < 1;
  } catch {
    return false;
  }
}

/** Two decoded CBOR values, structurally (Maps by key, bytes by content). */
export function cborEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Tag || b instanceof Tag) return a instanceof Tag && b instanceof Tag && a.tag === b.tag && cborEqual(a.value, b.value);
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !cborEqual(v, b.get(k))) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => cborEqual(x, b[i]));
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** The CBOR field holds either the whole CWT claims map or only the DCC; returns the DCC. */
export function dccFromCborField(v: CborValue): CborValue | undefined {
  const hcert = mapGet(v, -260);
  if (hcert !== undefined) return mapGet(hcert, 1);
  return v instanceof Map && (v.has('ver') || v.has('nam')) ? v : undefined;
}

/** A case's picture: the QR text found, null when none was found, or why the PNG did not decode. */
export type PictureResult = { text: string | null } | { error: string };

/** The base64 PNG of a case: "2DCODE", or "_2DCODE" where LV 1–3 file it (the same kind of PNG). */
export function pictureOf(c: Case): string | undefined {
  return c.raw['2DCODE'] ?? c.raw._2DCODE;
}

/**
 * Reads the QR in each picture (pngjs + jsQR) in a worker thread. Inside jest's VM sandbox the same
 * code runs about five times slower (measured here: ~130 ms against ~25 ms per picture), which
 * would make this stage most of the suite's time.
 */
export function decodePictures(pictures: ReadonlyMap<string, string>): Promise<Map<string, PictureResult>> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { PNG } = require(workerData.pngjs);
    const jsQR = require(workerData.jsqr).default ?? require(workerData.jsqr);
    const out = [];
    for (const [id, b64] of workerData.pictures) {
      try {
        const png = PNG.sync.read(Buffer.from(b64, 'base64'));
        const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
        const code = jsQR(pixels, png.width, png.height, { inversionAttempts: 'attemptBoth' });
        out.push([id, { text: code ? code.data : null }]);
      } catch (e) {
        out.push([id, { error: (e && e.message) || String(e) }]);
      }
    }
    parentPort.postMessage(out);`;
  const workerData = { pngjs: require.resolve('pngjs'), jsqr: require.resolve('jsqr'), pictures: [...pictures] };
  return new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData });
    w.once('message', (out: [string, PictureResult][]) => resolve(new Map(out)));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`picture worker exited with ${code}`)));
  });
}

function wrapCose(cose: Uint8Array): string {
  return 'HC1:' + encodeBase45(deflate(cose));
}

const STAGE_CODES = {
  UNPREFIX: ['PREFIX_UNKNOWN'],
  B45DECODE: ['BASE45_INVALID'],
  COMPRESSION: ['ZLIB_INVALID', 'SIZE_LIMIT'],
  DECODE: ['CBOR_INVALID', 'COSE_INVALID', 'CWT_INVALID', 'SIZE_LIMIT'],
  VERIFY: ['SIGNATURE_INVALID', 'KID_UNKNOWN', 'ALG_UNSUPPORTED', 'COSE_INVALID', 'CWT_INVALID', 'CBOR_INVALID'],
  EXPIRATIONCHECK: ['EXPIRED', 'NOT_YET_VALID'],
  SCHEMAVALIDATION: ['SCHEMA_INVALID'],
  KEYUSAGE: ['KEY_USAGE_MISMATCH'],
} as const satisfies Partial<Record<Flag, readonly ErrorCode[]>>;
export { STAGE_CODES };

export async function evaluateCase(c: Case, providers: Providers, pictures: ReadonlyMap<string, PictureResult> = new Map()): Promise<Evaluation> {
  const r = c.raw;
  const ev: Evaluation = { outcomes: [] };
  const push = (flag: Flag, actual: Actual, detail: string, code?: ErrorCode): void => {
    const expected = c.expected[flag];
    if (expected === undefined) return;
    ev.outcomes.push({ flag, expected, actual, detail, code });
  };
  const clock = r.TESTCTX.VALIDATIONCLOCK ?? r.TESTCTX.validationClockInstant;
  const now = clock ? parseClock(clock) : undefined;

  // --- Stage inputs, each from its own field or, failing that, through the chain. -------------
  const prefixBody = r.PREFIX?.startsWith('HC1:') ? r.PREFIX.slice(4) : undefined;
  const base45 = r.BASE45 ?? prefixBody;
  const b45 = base45 === undefined ? undefined : attempt(() => decodeBase45(base45));
  const compressed = r.COMPRESSED !== undefined ? fromHex(r.COMPRESSED) : b45 && 'value' in b45 ? b45.value : undefined;
  const inflated = compressed === undefined ? undefined : attempt(() => inflate(compressed, DEFAULT_LIMITS.maxInflatedBytes));
  const cose = r.COSE !== undefined ? fromHex(r.COSE) : inflated && 'value' in inflated ? inflated.value : undefined;
  const coseFrom =
    r.COSE !== undefined ? 'COSE' : r.COMPRESSED !== undefined ? 'COMPRESSED→zlib' : r.BASE45 !== undefined ? 'BASE45→base45→zlib' : 'PREFIX→base45→zlib';
  const decoded =
    cose === undefined
      ? undefined
      : attempt(() => {
          const sign1 = parseCoseSign1(cose);
          return { sign1, claims: parseClaims(sign1.payload) };
        });
  const claims: UnverifiedClaims | undefined = decoded && 'value' in decoded ? decoded.value.claims : undefined;
  const cborField = r.CBOR !== undefined ? attempt(() => decodeLenient(fromHex(r.CBOR!))) : undefined;

  // --- PICTUREDECODE: the PNG's QR text is the PREFIX. ------------------------------------------
  if (c.expected.PICTUREDECODE !== undefined) {
    const picture = pictures.get(c.id);
    if (pictureOf(c) === undefined) push('PICTUREDECODE', { notEvaluable: 'no 2DCODE picture' }, 'no picture');
    else if (r.PREFIX === undefined) push('PICTUREDECODE', { notEvaluable: 'no PREFIX to compare with' }, 'no PREFIX');
    else if (!picture) throw new Error(`${c.id}: its picture was not decoded`);
    else {
      const ok = 'text' in picture && picture.text === r.PREFIX;
      push(
        'PICTUREDECODE',
        ok,
        'error' in picture
          ? `PNG unreadable: ${picture.error}`
          : picture.text === null
            ? 'no QR found in the picture'
            : ok
              ? 'QR text = PREFIX'
              : 'QR text differs from PREFIX',
      );
    }
  }

  // --- UNPREFIX: PREFIX carries a known context identifier and the rest is BASE45. -------------
  if (c.expected.UNPREFIX !== undefined) {
    if (r.PREFIX === undefined) push('UNPREFIX', { notEvaluable: 'no PREFIX' }, 'no PREFIX');
    else {
      const st = decodeStages(r.PREFIX);
      const code = st.error?.code === 'PREFIX_UNKNOWN' ? 'PREFIX_UNKNOWN' : undefined;
      const ok = !code && st.format === 'dcc' && (r.BASE45 === undefined || st.base45 === r.BASE45);
      push(
        'UNPREFIX',
        ok,
        code
          ? describeError(st.error)
          : `format ${st.format}, body ${r.BASE45 === undefined ? 'not compared (no BASE45)' : st.base45 === r.BASE45 ? '= BASE45' : '≠ BASE45'}`,
        code,
      );
    }
  }

  // --- B45DECODE: BASE45 decodes to COMPRESSED. ---------------------------------------------------
  if (c.expected.B45DECODE !== undefined) {
    if (base45 === undefined || !b45) push('B45DECODE', { notEvaluable: 'no BASE45 and no HC1: PREFIX' }, 'no input');
    else if ('error' in b45) push('B45DECODE', false, describeError(b45.error), errorCode(b45.error));
    else {
      const ok = r.COMPRESSED === undefined || bytesEqual(b45.value, fromHex(r.COMPRESSED));
      push(
        'B45DECODE',
        ok,
        r.COMPRESSED === undefined ? 'decodes (no COMPRESSED to compare)' : ok ? 'decodes to COMPRESSED' : 'decodes, but not to COMPRESSED',
      );
    }
  }

  // --- COMPRESSION: COMPRESSED inflates to COSE. ------------------------------------------------
  if (c.expected.COMPRESSION !== undefined) {
    if (!inflated) push('COMPRESSION', { notEvaluable: 'no COMPRESSED, and no decodable BASE45/PREFIX' }, 'no input');
    else if ('error' in inflated) push('COMPRESSION', false, describeError(inflated.error), errorCode(inflated.error));
    else {
      const ok = r.COSE === undefined || bytesEqual(inflated.value, fromHex(r.COSE));
      push('COMPRESSION', ok, r.COSE === undefined ? 'inflates (no COSE to compare)' : ok ? 'inflates to COSE' : 'inflates, but not to COSE');
    }
  }

  // --- DECODE: the COSE payload decodes to CWT claims whose DCC is JSON, and CBOR is that payload. --
  if (c.expected.DECODE !== undefined) {
    if (!decoded) push('DECODE', { notEvaluable: 'no COSE and no chain to one' }, 'no input');
    else if ('error' in decoded) push('DECODE', false, `${coseFrom}: ${describeError(decoded.error)}`, errorCode(decoded.error));
    else {
      const payload = decodeLenient(decoded.value.sign1.payload);
      const notes: string[] = [];
      let ok = claims!.dcc !== undefined;
      if (r.JSON !== undefined) {
        const m = cborMatchesJson(claims!.dcc, r.JSON);
        ok &&= m;
        notes.push(m ? 'DCC = JSON' : 'DCC ≠ JSON');
      }
      if (cborField) {
        const m = 'value' in cborField && (cborEqual(cborField.value, payload) || cborEqual(cborField.value, claims!.dcc));
        ok &&= m;
        notes.push(m ? 'CBOR = payload' : 'CBOR ≠ payload');
      }
      push('DECODE', ok, `${coseFrom}: ${notes.join(', ') || 'decodes'}`);
    }
  }

  // --- VERIFY / EXPIRATIONCHECK / KEYUSAGE / SCHEMAVALIDATION through verifyCode. ------------------
  let key: TrustedKey | undefined;
  if (r.TESTCTX.CERTIFICATE) {
    const k = attempt(() => trustedKeyFromCertificate(r.TESTCTX.CERTIFICATE!));
    if ('value' in k) key = k.value;
    ev.key = 'value' in k ? k.value : { error: describeError(k.error) };
  }
  const input = cose !== undefined ? wrapCose(cose) : r.PREFIX;
  if (input !== undefined && now !== undefined) {
    ev.verifiedInput = input;
    const keys = new KeyStore(key ? [key] : []);
    const verdicts = {} as Record<keyof Providers, Verdict>;
    for (const name of Object.keys(providers) as (keyof Providers)[]) {
      verdicts[name] = await verifyCode(input, { keys, now, crypto: providers[name], validateDccSchema });
    }
    ev.verdicts = verdicts;
  }
  if (r.PREFIX !== undefined && now !== undefined) {
    ev.prefixVerdict =
      input === r.PREFIX
        ? ev.verdicts!.node
        : await verifyCode(r.PREFIX, { keys: new KeyStore(key ? [key] : []), now, crypto: providers.node, validateDccSchema });
  }
  ev.now = now;
  const verdict = ev.verdicts?.node;
  const firstOf = (list: readonly ErrorCode[]): ErrorCode | undefined => verdict?.errors.find((e) => list.includes(e.code))?.code;

  if (c.expected.VERIFY !== undefined) {
    if (!verdict) push('VERIFY', { notEvaluable: 'no COSE or PREFIX, or no validation clock' }, 'no input');
    else if (!key)
      push(
        'VERIFY',
        { notEvaluable: `the signing certificate does not parse (${(ev.key as { error: string } | undefined)?.error ?? 'none given'})` },
        'no key',
      );
    else
      push(
        'VERIFY',
        verdict.signer !== null,
        verdict.signer ? 'signature verified with TESTCTX.CERTIFICATE' : verdict.errors.map((e) => e.code).join(', '),
        firstOf(STAGE_CODES.VERIFY),
      );
  }

  if (c.expected.EXPIRATIONCHECK !== undefined) {
    if (!verdict || now === undefined) push('EXPIRATIONCHECK', { notEvaluable: 'no decodable code or no clock' }, 'no input');
    else if (verdict.signer) {
      const code = firstOf(STAGE_CODES.EXPIRATIONCHECK);
      push('EXPIRATIONCHECK', !code, code ? `${code} at ${r.TESTCTX.VALIDATIONCLOCK}` : `iat ≤ ${r.TESTCTX.VALIDATIONCLOCK} ≤ exp`, code);
    } else if (claims) {
      // The verifier checks the clock only on authentic claims; where the signature does not
      // verify (PL 6: signed with another DSC) the stage is evaluated on the unverified claims.
      const ok = (claims.iat === undefined || now >= claims.iat) && (claims.exp === undefined || now <= claims.exp);
      push('EXPIRATIONCHECK', ok, `unverified claims: iat ${claims.iat}, exp ${claims.exp}, clock ${now}`);
    } else push('EXPIRATIONCHECK', { notEvaluable: 'no claims decoded' }, 'no claims');
  }

  // The DCC the schema and key-usage stages look at: from the COSE (or chain), else the CBOR field.
  const dcc: CborValue | undefined = claims?.dcc ?? (cborField && 'value' in cborField ? dccFromCborField(cborField.value) : undefined);
  const read = dcc === undefined ? undefined : readDcc(dcc, validateDccSchema);
  ev.dcc = dcc === undefined ? undefined : toJsonValue(dcc);

  if (c.expected.SCHEMAVALIDATION !== undefined) {
    if (!read) push('SCHEMAVALIDATION', { notEvaluable: 'no DCC decoded' }, 'no DCC');
    else {
      const ok = read.problems.length === 0;
      push('SCHEMAVALIDATION', ok, ok ? 'valid' : read.problems.slice(0, 3).join('; '), ok ? undefined : 'SCHEMA_INVALID');
    }
  }

  if (c.expected.KEYUSAGE !== undefined) {
    if (!key) push('KEYUSAGE', { notEvaluable: 'no parsable signing certificate' }, 'no key');
    else if (verdict?.signer) {
      const code = firstOf(STAGE_CODES.KEYUSAGE);
      push(
        'KEYUSAGE',
        !code,
        code ? `KEY_USAGE_MISMATCH (usage ${key.usage?.join('') ?? 'any'})` : `usage ${key.usage?.join('') ?? 'unrestricted'} allows the DCC`,
        code,
      );
    } else if (read?.type) {
      // As for the clock: without an authentic signature, the rule is applied to the unverified DCC.
      const ok = !key.usage || key.usage.includes(read.type);
      push('KEYUSAGE', ok, `unverified DCC of type ${read.type}; usage ${key.usage?.join('') ?? 'unrestricted'}`);
    } else push('KEYUSAGE', { notEvaluable: 'no DCC type decoded' }, 'no DCC');
  }

  // --- VALIDJSON: the whole chain from PREFIX gives the JSON. ---------------------------------------
  if (c.expected.VALIDJSON !== undefined) {
    if (r.PREFIX === undefined || r.JSON === undefined) push('VALIDJSON', { notEvaluable: 'needs PREFIX and JSON' }, 'no input');
    else {
      const st = decodeStages(r.PREFIX);
      const ok = !st.error && cborMatchesJson(st.claims?.dcc, r.JSON);
      push('VALIDJSON', ok, st.error ? describeError(st.error) : ok ? 'PREFIX → DCC = JSON' : 'PREFIX → DCC ≠ JSON', st.error?.code);
    }
  }

  // --- VALIDOBJECT: the JSON, as an issuer would start from, passes the schema. ------------------
  if (c.expected.VALIDOBJECT !== undefined) {
    if (r.JSON === undefined) push('VALIDOBJECT', { notEvaluable: 'no JSON' }, 'no JSON');
    else {
      const problems = validateDccSchema(r.JSON);
      push('VALIDOBJECT', problems.length === 0, problems.slice(0, 3).join('; ') || 'valid');
    }
  }

  // --- ENCODE: our encoder turns the JSON into the CBOR (compared decoded, README note 2). ----------
  if (c.expected.ENCODE !== undefined) {
    // Without a CBOR field (PT), the DCC in the signed payload is the CBOR the issuer made.
    const theirs = cborField && 'value' in cborField ? dccFromCborField(cborField.value) : claims?.dcc;
    if (r.JSON === undefined || theirs === undefined) push('ENCODE', { notEvaluable: 'needs JSON and a CBOR DCC' }, 'no input');
    else {
      const ours = attempt(() => toJsonValue(decodeLenient(encodeStrict(dccToCbor(r.JSON)))));
      const ok = 'value' in ours && theirs !== undefined && cborMatchesJson(theirs, ours.value);
      push('ENCODE', ok, 'value' in ours ? (ok ? 'encode(JSON) = CBOR' : 'encode(JSON) ≠ CBOR') : describeError(ours.error));
    }
  }
  return ev;
}
