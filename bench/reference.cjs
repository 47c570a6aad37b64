#!/usr/bin/env node
'use strict';
// The plain reference loop the benchmark measures `ithc verify -` against: what a competent
// engineer writes in an afternoon with node:crypto, node:zlib and cbor-x, single-threaded, no
// bounds, no schema, no key usage, no error codes. One code per stdin line, one JSON line out.
//
//   node bench/reference.cjs DSC_LIST.json < codes.txt
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { readFileSync } = require('node:fs');
const { Decoder, Encoder } = require('cbor-x');

const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, useTag259ForMaps: false });

const keys = new Map();
for (const e of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const der = Buffer.from(e.rawData, 'base64');
  const kid = crypto.createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  keys.set(kid, new crypto.X509Certificate(der).publicKey);
}

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const B45_INDEX = new Map([...B45].map((c, i) => [c, i]));
function base45(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const c = s.slice(i, i + 3);
    let n = 0;
    for (let j = c.length - 1; j >= 0; j--) n = n * 45 + B45_INDEX.get(c[j]);
    if (c.length === 3) out.push(n >> 8, n & 0xff);
    else out.push(n);
  }
  return Buffer.from(out);
}

function json(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, json(x)]));
  if (Array.isArray(v)) return v.map(json);
  return v;
}

function verify(line) {
  try {
    const cose = decoder.decode(zlib.inflateSync(base45(line.slice(4))));
    const [prot, unprot, payload, sig] = cose.value ?? cose;
    const ph = prot.length ? decoder.decode(prot) : new Map();
    const kid = Buffer.from(ph.get(4) ?? unprot.get(4)).toString('base64');
    const key = keys.get(kid);
    const tbs = encoder.encode(['Signature1', prot, new Uint8Array(0), payload]);
    const valid = !!key && crypto.verify('sha256', tbs, { key, dsaEncoding: 'ieee-p1363' }, sig);
    const claims = decoder.decode(payload);
    return { valid, kid, payload: valid ? json(claims.get(-260).get(1)) : null };
  } catch (e) {
    return { valid: false, error: String(e) };
  }
}

const lines = readFileSync(0, 'utf8').split('\n');
let out = '';
for (const line of lines) {
  if (!line) continue;
  out += JSON.stringify(verify(line.trim())) + '\n';
  if (out.length > 1 << 16) {
    process.stdout.write(out);
    out = '';
  }
}
process.stdout.write(out);
