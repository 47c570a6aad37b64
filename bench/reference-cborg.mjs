#!/usr/bin/env node
// A second reference for `ithc verify --json -`, independent of the project and of the first
// reference's CBOR library: node:crypto, node:zlib and cborg only, single-threaded. It does the
// work our batch verifier does for an HC1 code, written the plain way:
//
//   bound the line, strip and check the HC1: prefix, base45 (decoded here), inflate with an output
//   bound, COSE_Sign1 (tag 18 or none) with its protected header, alg and kid (protected wins),
//   the alg allow-list, the key by kid, Sig_structure, ECDSA P-256 verify over the received bytes,
//   the CWT claims, the DCC's shape (exactly one v/t/r entry and its fields' types and patterns: a
//   hand-written stand-in for the JSON Schema validation we run), the signer's key usage (its
//   extended key usage OIDs), iat and exp against the time of each check, and one JSON line per
//   code in the same shape as ours: {valid, verdict, format, kid, issuer, errors, missing, payload}.
//
//   node bench/reference-cborg.mjs DSC_LIST.json < codes.txt
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { readFileSync } from 'node:fs';
import { decode, encode } from 'cborg';

const MAX_CODE = 8192;
const MAX_INFLATED = 64 * 1024;
const ES256 = -7;
const PS256 = -37;
// HCERT §5.1.1 key-usage OIDs (and the variants some issuers use).
const USAGE = new Map([
  ['1.3.6.1.4.1.1847.2021.1.1', 't'],
  ['1.3.6.1.4.1.1847.2021.1.2', 'v'],
  ['1.3.6.1.4.1.1847.2021.1.3', 'r'],
  ['1.3.6.1.4.1.0.1847.2021.1.1', 't'],
  ['1.3.6.1.4.1.0.1847.2021.1.2', 'v'],
  ['1.3.6.1.4.1.0.1847.2021.1.3', 'r'],
]);

/** kid (base64) → [{ key, kty, usage, country }]: kids may collide, so every key with the kid is tried. */
const keys = new Map();
for (const e of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const der = Buffer.from(e.rawData, 'base64');
  const x509 = new crypto.X509Certificate(der);
  const kid = crypto.createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  const ekus = Array.isArray(x509.keyUsage) ? x509.keyUsage.filter((o) => USAGE.has(o)).map((o) => USAGE.get(o)) : [];
  const country = /(?:^|\n)C=([A-Z]{2})(?:\n|$)/.exec(x509.subject)?.[1] ?? null;
  const entry = { key: x509.publicKey, kty: x509.publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'RSA', usage: ekus.length ? ekus : null, country };
  keys.set(kid, [...(keys.get(kid) ?? []), entry]);
}

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const B45_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B45.length; i++) B45_VALUE[B45.charCodeAt(i)] = i;

function base45(s, from) {
  const n = s.length - from;
  if (n % 3 === 1) throw new Error('base45: bad length');
  const out = Buffer.allocUnsafe(Math.floor(n / 3) * 2 + (n % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = from; i < s.length; i += 3) {
    const a = digit(s, i);
    const b = digit(s, i + 1);
    if (i + 2 < s.length) {
      const v = a + b * 45 + digit(s, i + 2) * 2025;
      if (v > 0xffff) throw new Error('base45: value out of range');
      out[o++] = v >> 8;
      out[o++] = v & 0xff;
    } else {
      const v = a + b * 45;
      if (v > 0xff) throw new Error('base45: value out of range');
      out[o++] = v;
    }
  }
  return out;
}

function digit(s, i) {
  const c = s.charCodeAt(i);
  const v = c < 128 ? B45_VALUE[c] : -1;
  if (v < 0) throw new Error(`base45: bad character at ${i}`);
  return v;
}

const TAGS = [];
TAGS[18] = (decodeTagged) => decodeTagged(); // COSE_Sign1
const DECODE = { useMaps: true, tags: TAGS };

/** A string-keyed CBOR map (nested) as JSON, the way the payload is printed. */
function json(v) {
  if (v instanceof Map) {
    const o = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new Error('DCC map keys must be strings');
      o[k] = json(x);
    }
    return o;
  }
  if (Array.isArray(v)) return v.map(json);
  if (v instanceof Uint8Array) throw new Error('DCC holds bytes');
  return v;
}

// The DCC's fields as the schema (1.3.x) types them, checked by hand.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DOB = /^((19|20)\d\d(-\d\d){0,2}){0,1}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const COUNTRY = /^[A-Z]{1,10}$/;
const str = (max) => (x) => typeof x === 'string' && x.length <= max;
const ENTRY = {
  v: {
    tg: str(50),
    vp: str(50),
    mp: str(50),
    ma: str(50),
    dn: (x) => Number.isInteger(x) && x >= 1 && x <= 9,
    sd: (x) => Number.isInteger(x) && x >= 1 && x <= 9,
    dt: (x) => typeof x === 'string' && DATE.test(x),
    co: (x) => typeof x === 'string' && COUNTRY.test(x),
    is: str(80),
    ci: str(80),
  },
  t: {
    tg: str(50),
    tt: str(50),
    sc: (x) => typeof x === 'string' && DATETIME.test(x),
    tr: str(50),
    co: (x) => typeof x === 'string' && COUNTRY.test(x),
    is: str(80),
    ci: str(80),
  },
  r: {
    tg: str(50),
    fr: (x) => typeof x === 'string' && DATE.test(x),
    co: (x) => typeof x === 'string' && COUNTRY.test(x),
    is: str(80),
    df: (x) => typeof x === 'string' && DATE.test(x),
    du: (x) => typeof x === 'string' && DATE.test(x),
    ci: str(80),
  },
};
const OPTIONAL = { t: { nm: str(80), ma: str(50), tc: str(80) } };

function dccProblems(d) {
  const p = [];
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return { type: null, problems: ['the DCC must be a map'] };
  if (typeof d.ver !== 'string' || !/^\d+\.\d+\.\d+$/.test(d.ver)) p.push('ver');
  const n = d.nam;
  if (!n || typeof n !== 'object' || typeof n.fnt !== 'string' || !/^[A-Z<]*$/.test(n.fnt) || n.fnt.length > 80) p.push('nam.fnt');
  else for (const k of ['fn', 'gn']) if (n[k] !== undefined && !str(80)(n[k])) p.push(`nam.${k}`);
  if (n && n.gnt !== undefined && (typeof n.gnt !== 'string' || !/^[A-Z<]*$/.test(n.gnt))) p.push('nam.gnt');
  if (typeof d.dob !== 'string' || !DOB.test(d.dob)) p.push('dob');
  const present = ['v', 't', 'r'].filter((k) => d[k] !== undefined);
  if (present.length !== 1) p.push('exactly one of v, t, r');
  const type = present[0] ?? null;
  const entries = type ? d[type] : undefined;
  if (type && (!Array.isArray(entries) || entries.length !== 1)) p.push(`exactly one ${type} entry`);
  else if (type) {
    const e = entries[0];
    if (!e || typeof e !== 'object') p.push(`${type}[0]`);
    else {
      for (const [k, ok] of Object.entries(ENTRY[type])) if (!ok(e[k])) p.push(`${type}[0].${k}`);
      for (const [k, ok] of Object.entries(OPTIONAL[type] ?? {})) if (e[k] !== undefined && !ok(e[k])) p.push(`${type}[0].${k}`);
    }
  }
  return { type, problems: p };
}

function result(valid, kid, issuer, errors, payload) {
  return { valid, verdict: valid ? 'valid' : 'invalid', format: 'dcc', kid, issuer, errors, missing: [], payload };
}

function verify(line) {
  let kid = null;
  try {
    if (line.length > MAX_CODE) throw new Error('code too long');
    if (!line.startsWith('HC1:')) throw new Error('not an HC1: code');
    const cose = decode(zlib.inflateSync(base45(line, 4), { maxOutputLength: MAX_INFLATED }), DECODE);
    if (!Array.isArray(cose) || cose.length !== 4) throw new Error('not a COSE_Sign1');
    const [prot, unprot, payload, sig] = cose;
    if (!(prot instanceof Uint8Array) || !(unprot instanceof Map) || !(payload instanceof Uint8Array) || !(sig instanceof Uint8Array))
      throw new Error('COSE_Sign1 field types');
    const ph = prot.length ? decode(prot, DECODE) : new Map();
    if (!(ph instanceof Map)) throw new Error('protected header is not a map');
    const alg = ph.get(1) ?? unprot.get(1);
    const kidBytes = ph.get(4) ?? unprot.get(4);
    if (!(kidBytes instanceof Uint8Array)) return result(false, null, null, [{ code: 'KID_UNKNOWN', message: 'no kid' }], null);
    kid = Buffer.from(kidBytes.buffer, kidBytes.byteOffset, kidBytes.length).toString('base64');
    if (alg !== ES256 && alg !== PS256) return result(false, kid, null, [{ code: 'ALG_UNSUPPORTED', message: `alg ${alg}` }], null);
    const kty = alg === ES256 ? 'EC' : 'RSA';
    const fitting = (keys.get(kid) ?? []).filter((k) => k.kty === kty);
    if (!fitting.length) return result(false, kid, null, [{ code: 'KID_UNKNOWN', message: `no key for kid ${kid}` }], null);
    const tbs = encode(['Signature1', prot, new Uint8Array(0), payload]);
    const signer = fitting.find((k) =>
      alg === ES256
        ? crypto.verify('sha256', tbs, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig)
        : crypto.verify('sha256', tbs, { key: k.key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig),
    );
    if (!signer) return result(false, kid, null, [{ code: 'SIGNATURE_INVALID', message: `signature does not verify for kid ${kid}` }], null);
    // Authentic from here on.
    const claims = decode(payload, DECODE);
    if (!(claims instanceof Map)) throw new Error('CWT claims are not a map');
    const iss = claims.get(1);
    const exp = claims.get(4);
    const iat = claims.get(6);
    const hcert = claims.get(-260);
    const issuer = typeof iss === 'string' ? iss : signer.country;
    const dccValue = hcert instanceof Map ? hcert.get(1) : undefined;
    if (dccValue === undefined) return result(false, kid, issuer, [{ code: 'CWT_INVALID', message: 'no DCC in the hcert claim' }], null);
    const dcc = json(dccValue);
    const errors = [];
    const { type, problems } = dccProblems(dcc);
    for (const m of problems) errors.push({ code: 'SCHEMA_INVALID', message: m });
    if (signer.usage && type && !signer.usage.includes(type)) errors.push({ code: 'KEY_USAGE_MISMATCH', message: `may not sign ${type}` });
    const now = Math.floor(Date.now() / 1000);
    if (typeof iat === 'number' && now < iat) errors.push({ code: 'NOT_YET_VALID', message: 'issued in the future' });
    if (typeof exp === 'number' && now > exp) errors.push({ code: 'EXPIRED', message: 'expired' });
    return result(errors.length === 0, kid, issuer, errors, type ? dcc : null);
  } catch (e) {
    return result(false, kid, null, [{ code: 'CBOR_INVALID', message: String(e && e.message) }], null);
  }
}

const lines = readFileSync(0, 'utf8').split('\n');
let out = '';
for (const raw of lines) {
  const line = raw.trim();
  if (!line) continue;
  out += JSON.stringify(verify(line)) + '\n';
  if (out.length > 1 << 16) {
    process.stdout.write(out);
    out = '';
  }
}
process.stdout.write(out);
