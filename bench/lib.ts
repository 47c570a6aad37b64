/**
 * The in-process halves of `npm run bench` (scripts/bench.mjs bundles this file and runs each mode
 * in a process of its own, so that no measurement shares a heap or a JIT with another):
 *
 *   generate DIR N        a DSC made now, N signed DCC codes, the DSC list; prints sign throughput
 *   raw-node DIR FROM TO  node:crypto ECDSA P-256 verify over the codes' signatures, nothing else
 *   noble DIR N ROUNDS    verifyCode with the noble provider vs raw noble p256.verify, same codes
 *   sizes DEMO TESTDATA   QR sizes of the demo traveller's codes against the EU test data's
 *                        median single-record HC1 code, and the sealed code's overhead
 *
 * Each prints one JSON line on stdout. Timings exclude start-up and input preparation.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { decodeStages, verifyCode } from '../core/hcert';
import { sigStructure } from '../core/cose';
import { KeyStore } from '../core/keys';
import { readDscList } from '../core/dsc-list';
import { nobleCrypto } from '../core/crypto/noble';
import { validateDccSchema } from '../core/dcc-schema';
import { dscList, makeDsc, sampleDcc, signDcc } from './fixtures';
import { fromBase64 } from '../core/bytes';
import { qrMatrix } from '../core/qr';
import { sealCode } from '../core/seal';
import { SIZE_TARGETS, sealedSize } from '../core/seal-size';

const DAY = 86400;

function codesIn(dir: string): string[] {
  return readFileSync(join(dir, 'codes.txt'), 'utf8').split('\n').filter(Boolean);
}

function signedParts(codes: string[]): { toBeSigned: Uint8Array; signature: Uint8Array }[] {
  return codes.map((c) => {
    const st = decodeStages(c);
    if (!st.sign1) throw new Error(`bench code does not decode: ${st.error?.message}`);
    return { toBeSigned: sigStructure(st.sign1.protectedBytes, st.sign1.payload), signature: st.sign1.signature };
  });
}

async function generate(dir: string, n: number): Promise<object> {
  const dsc = makeDsc({ country: 'XX', usage: ['v', 't', 'r'] });
  // The bench's clock is the process's own: codes are valid for a year around now.
  const now = Math.floor(Date.now() / 1000);
  const dccs = Array.from({ length: n }, (_, i) => sampleDcc(i));
  const codes: string[] = [];
  const t0 = performance.now();
  for (const dcc of dccs) codes.push(await signDcc(dsc, dcc, { iat: now - DAY, exp: now + 365 * DAY }));
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(dir, 'codes.txt'), codes.join('\n') + '\n');
  writeFileSync(join(dir, 'dsc.json'), dscList([dsc]));
  // The physical floor of signing: ECDSA P-256 over SHA-256 through node:crypto, nothing else.
  const data = signedParts(codes.slice(0, Math.min(n, 5000))).map((p) => p.toBeSigned);
  const t1 = performance.now();
  for (const d of data) nodeSign('sha256', d, { key: dsc.privateKey, dsaEncoding: 'ieee-p1363' });
  const rawSignPerSecond = data.length / ((performance.now() - t1) / 1000);
  return { signPerSecond: n / seconds, rawSignPerSecond, meanCodeChars: codes.reduce((a, c) => a + c.length, 0) / n };
}

function rawNode(dir: string, from: number, to: number): object {
  const codes = codesIn(dir).slice(from, to);
  const parts = signedParts(codes);
  const der = readDscList(readFileSync(join(dir, 'dsc.json'), 'utf8')).keys[0].key.spki;
  const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  let ok = 0;
  const t0 = performance.now();
  for (const p of parts) if (nodeVerify('sha256', p.toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, p.signature)) ok++;
  const seconds = (performance.now() - t0) / 1000;
  if (ok !== parts.length) throw new Error(`raw node verify: ${parts.length - ok} signatures failed`);
  return { n: parts.length, seconds, perSecond: parts.length / seconds };
}

async function noble(dir: string, n: number, rounds: number): Promise<object> {
  const codes = codesIn(dir).slice(0, n);
  const parts = signedParts(codes);
  const keys = new KeyStore(readDscList(readFileSync(join(dir, 'dsc.json'), 'utf8')).keys);
  const key = [...keys][0].key;
  if (key.kty !== 'EC') throw new Error('bench key must be EC');
  const point = new Uint8Array([4, ...key.x, ...key.y]);
  const now = Math.floor(Date.now() / 1000);
  const opts = { keys, now, crypto: nobleCrypto, validateDccSchema };
  // Warm both paths (JIT, the schema compile) before timing.
  await verifyCode(codes[0], opts);
  p256.verify(parts[0].signature, parts[0].toBeSigned, point, { lowS: false, format: 'compact' });
  const best = { raw: Infinity, pipeline: Infinity };
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    for (const p of parts) if (!p256.verify(p.signature, p.toBeSigned, point, { lowS: false, format: 'compact' })) throw new Error('raw noble verify failed');
    best.raw = Math.min(best.raw, (performance.now() - t0) / 1000);
    t0 = performance.now();
    for (const c of codes) if (!(await verifyCode(c, opts)).valid) throw new Error('noble pipeline verify failed');
    best.pipeline = Math.min(best.pipeline, (performance.now() - t0) / 1000);
  }
  return { n: codes.length, rawPerSecond: codes.length / best.raw, pipelinePerSecond: codes.length / best.pipeline };
}

/**
 * QR sizes: the demo traveller's codes (DEMO = `npm run demo -- --out DEMO`'s certificate.json)
 * against the EU test data's single-record HC1 codes (TESTDATA = ../shared/testdata/dcc-testdata:
 * every case whose DCC holds exactly one vaccination, test or recovery), with their QR versions
 * at level Q; and the sealed code's overhead (core/seal-size.ts).
 */
function sizes(demoDir: string, testdata: string): object {
  const certificate = JSON.parse(readFileSync(join(demoDir, 'certificate.json'), 'utf8')) as {
    codes: { ithc: string; dcc: string[]; sealed: Array<{ code: string; kid: string }> };
  };
  const open = certificate.codes.ithc;
  const sealed = certificate.codes.sealed[0];
  if (!sealed) throw new Error('the demo made no sealed code');
  const stages = decodeStages(open);
  if (!stages.cose || !stages.compressed) throw new Error(`the demo's code does not decode: ${stages.error?.message}`);
  // The same COSE_Sign1 sealed for an authority that takes y in full (pointCompression: false).
  const authority = createPublicKey(createPrivateKey(readFileSync(join(demoDir, 'authority-demo-key.pem')))).export({ type: 'spki', format: 'der' });
  const fullPoint = sealCode(
    stages.cose,
    [{ kid: fromBase64(sealed.kid), publicKey: new Uint8Array(authority), pointCompression: false }],
    (n) => new Uint8Array(randomBytes(n)),
  );
  const single: number[] = [];
  for (const file of jsonFiles(testdata)) {
    let c: { PREFIX?: unknown; JSON?: { v?: unknown[]; t?: unknown[]; r?: unknown[] } };
    try {
      c = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // not a test case (the suite holds a few other JSON files)
    }
    if (typeof c?.PREFIX !== 'string' || !c.PREFIX.startsWith('HC1:') || !c.JSON || typeof c.JSON !== 'object') continue;
    const records = (['v', 't', 'r'] as const).reduce((n, k) => n + (Array.isArray(c.JSON![k]) ? c.JSON![k].length : 0), 0);
    if (records === 1) single.push(c.PREFIX.length);
  }
  if (single.length === 0) throw new Error(`no single-record HC1 codes under ${testdata}`);
  single.sort((a, b) => a - b);
  const mid = single.length >> 1;
  const median = single.length % 2 ? single[mid] : (single[mid - 1] + single[mid]) / 2;
  const seal = sealedSize(open, sealed.code, 'Q');
  const full = sealedSize(open, fullPoint, 'Q');
  const version = (chars: number) => qrMatrix('HC1:' + 'A'.repeat(Math.round(chars) - 4), 'Q').version;
  return {
    ithc: { chars: open.length, qrVersion: seal.openQrVersion, coseBytes: stages.cose.length, compressedBytes: stages.compressed.length },
    sealed: { chars: seal.sealedChars, qrVersion: seal.sealedQrVersion, overheadChars: seal.overheadChars, ratio: seal.ratio },
    sealedFullPoint: { chars: full.sealedChars, qrVersion: full.sealedQrVersion, overheadChars: full.overheadChars, ratio: full.ratio },
    dcc: certificate.codes.dcc.map((c) => c.length),
    euSingleRecord: { cases: single.length, medianChars: median, qrVersion: version(median) },
    targets: SIZE_TARGETS,
  };
}

function* jsonFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(p);
    else if (e.name.endsWith('.json')) yield p;
  }
}

async function cli(argv: string[]): Promise<void> {
  const [mode, dir, a, b] = argv;
  let result: object;
  if (mode === 'generate') result = await generate(dir, Number(a));
  else if (mode === 'sizes') result = sizes(dir, a);
  else if (mode === 'raw-node') result = rawNode(dir, Number(a), Number(b));
  else if (mode === 'noble') result = await noble(dir, Number(a), Number(b));
  else throw new Error(`unknown bench mode ${mode}`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

cli(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
