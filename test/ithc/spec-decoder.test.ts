/**
 * A reader of the demo traveller's code built from docs/ithc-certificate.md alone: the key tables,
 * code tables and defaults are parsed out of the document at run time, and nothing of core/ is
 * used (base45 written again, Node's zlib, cbor-x, node:crypto for the signature). It must read
 * every field of `npm run demo`'s ITHC1: code and find what the issuer issued, and what the
 * laboratories and the vaccination site sent; the names of the sources given by code come from the
 * signed source list (docs/trust-list.md), read the same way. If the document's tables were wrong or
 * incomplete, this reader would be too. The last tests check the sizes the document states for
 * that code (QR versions from core/qr.ts).
 */
import { createPrivateKey, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { Decoder, Tag } from 'cbor-x';
import { ROOT, runDemo } from '../e2e/helpers';
import { base45Decode, coseOfSealedCode, independentDecrypt } from '../seal/independent-opener';
import { openLocalApp } from '../../node/local';
import { tableAfter } from '../spec/markdown';
import { qrMatrix } from '../../core/qr';
import { testdataPath, testWithTestdata } from '../support/testdata';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const decode = (b: Uint8Array): unknown => decoder.decode(b);
type CMap = Map<unknown, unknown>;

// ---------------------------------------------------------------------------------------------
// The specification's tables, parsed.

const DOC = readFileSync(join(ROOT, 'docs/ithc-certificate.md'), 'utf8');

interface SpecField {
  key: number;
  /** The readable name; for a code-or-name field the text one. */
  name: string;
  /** For a code-or-name field: the readable name of a code. */
  codeName?: string;
  type: string;
  series: boolean;
  /** What absence means in the first entry (Defaults table: "first default `X`"). */
  default?: string;
  /** Absence means the certificate's issuer. */
  inheritsIssuer: boolean;
}

function fieldsOf(title: string): SpecField[] {
  const keys = DOC.slice(DOC.indexOf('## Keys'), DOC.indexOf('## Defaults and canonical form'));
  return tableAfter(keys, title).map(([key, name, type]) => {
    const names = name.split(' / ');
    const codeName = names.find((n) => n.endsWith('Code'));
    return {
      key: Number(key),
      name: names.find((n) => n !== codeName)!,
      ...(codeName ? { codeName } : {}),
      type,
      series: /\bseries\b/.test(type),
      ...(/first default `([^`]+)`/.test(type) ? { default: /first default `([^`]+)`/.exec(type)![1] } : {}),
      inheritsIssuer: type.includes("default the certificate's"),
    };
  });
}

const FIELDS = {
  certificate: fieldsOf('**Certificate**'),
  holder: fieldsOf('**Holder**'),
  test: fieldsOf('**Test**'),
  antibodyTest: fieldsOf('**Antibody test**'),
  vaccination: fieldsOf('**Vaccination**'),
};
type MapName = keyof typeof FIELDS;

/**
 * Our code tables: header "| <what> (<where>, <where>) | code | readable name |", where each
 * <where> is "holder 6", "antibody test 2", "certificate 2" or "record 9" (every record type).
 */
const OWN_TABLES: Array<{ where: Array<[MapName | 'record', number]>; names: Map<number, string> }> = [];
{
  const own = DOC.slice(DOC.indexOf('**Our own codes**'), DOC.indexOf('## Testing centres and vaccination sites'));
  const lines = own.split('\n');
  lines.forEach((line, i) => {
    const m = /^\| (.+) \((.+)\) \| code \| readable name \|$/.exec(line);
    if (!m) return;
    const where = m[2].split(', ').map((w): [MapName | 'record', number] => {
      const [, map, key] = /^(holder|antibody test|test|vaccination|certificate|record) (\d+)$/.exec(w)!;
      return [map === 'antibody test' ? 'antibodyTest' : (map as MapName | 'record'), Number(key)];
    });
    const names = new Map<number, string>();
    for (const row of lines.slice(i + 2)) {
      if (!row.startsWith('|')) break;
      const cells = row
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim());
      names.set(Number(cells[1]), cells[2].replace(/^`|`$/g, ''));
    }
    OWN_TABLES.push({ where, names });
  });
}

function ownTable(map: MapName, key: number): Map<number, string> | undefined {
  const isRecord = map === 'test' || map === 'antibodyTest' || map === 'vaccination';
  return OWN_TABLES.find((t) => t.where.some(([m, k]) => k === key && (m === map || (m === 'record' && isRecord))))?.names;
}

// ---------------------------------------------------------------------------------------------
// The reader.

const DAY = 86_400_000;

/** One value as the readable form has it, by the type column of its table. */
function readValue(map: MapName, f: SpecField, v: unknown): unknown {
  const own = ownTable(map, f.key);
  if (own && typeof v === 'number') {
    if (!own.has(v)) throw new Error(`${map} key ${f.key}: ${v} is not in the specification's table`);
    return own.get(v);
  }
  if (f.type.includes('days since 1970-01-01')) return new Date((v as number) * DAY).toISOString().slice(0, 10);
  // "Numeric codes": a DCC code that is a number travels as that integer; a manufacturer ORG-<digits> as the digits.
  if (f.type.startsWith('DCC ') && typeof v === 'number') return f.type.includes('vaccine-mah-manf') ? `ORG-${v}` : String(v);
  if (f.type.startsWith('UVCI')) return `URN:UVCI:01:${v as string}`;
  return v;
}

function readMap(map: MapName, m: CMap, ctx: { issuer?: unknown; previous?: Record<string, unknown> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set(FIELDS[map].map((f) => f.key));
  for (const k of m.keys())
    if (!(typeof k === 'number' && k < 0) && !known.has(k as number)) throw new Error(`${map}: key ${String(k)} is in no table of the specification`);
  for (const f of FIELDS[map]) {
    let v = m.get(f.key);
    if (v === undefined) {
      // Defaults and canonical form: series fields take the entry before's value, the first entry the default; issuers inherit.
      const before = f.series && ctx.previous ? (ctx.previous[f.name] ?? (f.codeName ? ctx.previous[f.codeName] : undefined)) : undefined;
      const fallback = before ?? (ctx.previous && f.series ? undefined : f.default) ?? (f.inheritsIssuer ? ctx.issuer : undefined);
      if (fallback !== undefined) out[f.codeName && typeof fallback === 'number' ? f.codeName : f.name] = fallback;
      continue;
    }
    if (f.type === 'map') v = readMap(f.name as MapName, v as CMap, ctx);
    else if (f.type.startsWith('array')) {
      const item = ({ tests: 'test', antibodyTests: 'antibodyTest', vaccinations: 'vaccination' } as const)[f.name as 'tests'];
      let previous: Record<string, unknown> | undefined;
      v = (v as CMap[]).map((e) => (previous = readMap(item, e, { issuer: ctx.issuer, previous })));
    } else v = readValue(map, f, v);
    out[f.codeName && typeof v === 'number' ? f.codeName : f.name] = v;
    if (map === 'certificate' && f.name === 'issuer') ctx.issuer = v;
  }
  return out;
}

/** A COSE_Sign1 (tag 18): protected header, payload, signature; and the Sig_structure it signs. */
function sign1(bytes: Uint8Array): { protectedHeader: CMap; payload: Uint8Array; signature: Uint8Array; toBeSigned: Buffer } {
  const t = decode(bytes) as Tag;
  if (!(t instanceof Tag) || t.tag !== 18) throw new Error('not a tagged COSE_Sign1');
  const [prot, , payload, signature] = t.value as [Uint8Array, CMap, Uint8Array, Uint8Array];
  const bstr = (b: Uint8Array) => {
    const n = b.length;
    const head =
      n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : n < 65536 ? [0x59, n >> 8, n & 0xff] : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
    return Buffer.concat([Buffer.from(head), Buffer.from(b)]);
  };
  const toBeSigned = Buffer.concat([Buffer.from([0x84, 0x6a]), Buffer.from('Signature1'), bstr(prot), Buffer.from([0x40]), bstr(payload)]);
  return { protectedHeader: decode(prot) as CMap, payload, signature, toBeSigned };
}

// ---------------------------------------------------------------------------------------------

let demo: Awaited<ReturnType<typeof runDemo>>;
let read: Record<string, any>;
let sources: Map<number, Record<string, unknown>>;

beforeAll(async () => {
  demo = await runDemo('spec-decoder');
  // The open code: prefix, base45, zlib, COSE_Sign1 (docs §Layers); the signature checked with
  // node:crypto against the DSC of the demo's DSC list, the one whose kid the header names.
  const code: string = demo.certificate.codes.ithc;
  expect(code.startsWith('ITHC1:')).toBe(true);
  const s = sign1(inflateSync(base45Decode(code.slice('ITHC1:'.length))));
  const kid = Buffer.from(s.protectedHeader.get(4) as Uint8Array).toString('base64');
  // ITHC signers are listed apart from the DCC signers EU verifiers read (docs/trust-list.md).
  const dsc = demo.trustlist.ithcCertificates.find((c: { kid: string }) => c.kid === kid);
  expect(demo.trustlist.certificates.some((c: { kid: string }) => c.kid === kid)).toBe(false);
  expect(s.protectedHeader.get(1)).toBe(-7);
  expect(
    nodeVerify('sha256', s.toBeSigned, { key: new X509Certificate(Buffer.from(dsc.rawData, 'base64')).publicKey, dsaEncoding: 'ieee-p1363' }, s.signature),
  ).toBe(true);
  const claims = decode(s.payload) as CMap;
  read = readMap('certificate', claims.get(-65537) as CMap, {});

  // The source list, read the same way (docs/trust-list.md §The source list), signed by the trust-list signer in x5chain.
  const envelope = JSON.parse(readFileSync(join(demo.out, 'sources-signed.json'), 'utf8'));
  const list = sign1(Buffer.from(envelope.signed, 'base64'));
  expect(list.protectedHeader.get(3)).toBe('application/vnd.ithc.sourcelist+cbor');
  const signer = new X509Certificate(Buffer.from(list.protectedHeader.get(33) as Uint8Array));
  expect(signer.verify(new X509Certificate(readFileSync(join(demo.out, 'csca.pem'))).publicKey)).toBe(true);
  expect(nodeVerify('sha256', list.toBeSigned, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, list.signature)).toBe(true);
  const payload = decode(list.payload) as CMap;
  sources = new Map((payload.get('sources') as CMap[]).map((e) => [e.get('code') as number, Object.fromEntries(e) as Record<string, unknown>]));
}, 300_000);

test('the specification has a table for every map, and code tables for every own code it names', () => {
  expect(FIELDS.certificate.map((f) => f.key)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(FIELDS.holder.map((f) => f.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(FIELDS.test.map((f) => f.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(FIELDS.antibodyTest.map((f) => f.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  expect(FIELDS.vaccination.map((f) => f.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (const [map, key] of [
    ['holder', 6],
    ['holder', 8],
    ['antibodyTest', 2],
    ['antibodyTest', 6],
    ['antibodyTest', 11],
    ['antibodyTest', 12],
    ['antibodyTest', 14],
    ['certificate', 2],
    ['vaccination', 9],
  ] as const) {
    expect([map, key, ownTable(map, key)?.size]).toEqual([map, key, expect.any(Number)]);
  }
});

test('every field of the demo code reads back as the issuer issued it', () => {
  const issued = demo.certificate.issued;
  // Times: the readable JSON writes instants as ISO 8601 UTC.
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const asIssued = (e: Record<string, unknown>) => ({
    ...e,
    sampleTime: iso(e.sampleTime as number),
    ...(e.reportTime !== undefined ? { reportTime: iso(e.reportTime as number) } : {}),
  });
  // The issued JSON puts the names of coded sources beside their codes (for display): those come from the source list.
  const withNames = (e: Record<string, unknown>, field: 'testingCentre' | 'vaccinationSite') => {
    const s = sources.get(e[`${field}Code`] as number);
    return s ? { ...e, [field]: s.name, [`${field}Latin`]: s.nameLatin } : e;
  };
  expect({ version: read.version, id: read.id, issuer: read.issuer }).toEqual({ version: issued.version, id: issued.id, issuer: issued.issuer });
  expect(read.holder).toEqual(issued.holder);
  expect(read.tests.map((t: Record<string, unknown>) => withNames(asIssued(t), 'testingCentre'))).toEqual(issued.tests);
  expect(read.antibodyTests.map((t: Record<string, unknown>) => withNames(asIssued(t), 'testingCentre'))).toEqual(issued.antibodyTests);
  expect(read.vaccinations.map((v: Record<string, unknown>) => withNames(v, 'vaccinationSite'))).toEqual(issued.vaccinations);
  // What the issue asks of the demo: 2 vaccinations, a nucleic-acid test and an IgG test, everything carried.
  expect([read.tests.length, read.antibodyTests.length, read.vaccinations.length]).toEqual([1, 1, 2]);
  expect(read.holder.documentIssuer).toBe('CN');
  expect(read.tests[0]).toEqual(expect.objectContaining({ testingCentreCode: expect.any(Number), reportTime: expect.any(Number) }));
  expect(read.antibodyTests[0]).toEqual(
    expect.objectContaining({
      assayCode: expect.any(Number),
      target: expect.any(String),
      cutoff: expect.any(String),
      unit: expect.any(String),
      result: expect.any(String),
    }),
  );
  expect(read.vaccinations.map((v: Record<string, unknown>) => typeof v.vaccinationSiteCode)).toEqual(['number', 'number']);
});

test('and matches what the laboratories and the vaccination site sent: the records and their sources in the store', async () => {
  const app = await openLocalApp(demo.data);
  try {
    const records = await app.store.find('records', {}, { limit: 100 });
    const codeOf = async (sourceId: unknown) => (await app.store.get('sources', sourceId as string))?.code;
    const naat = records.find((r) => r.kind === 'naat' && Date.parse(r.sampledAt as string) / 1000 === read.tests[0].sampleTime)!;
    expect(naat).toBeDefined();
    expect(read.tests[0]).toMatchObject({
      result: naat.result,
      testType: naat.testType,
      reportTime: Date.parse(naat.reportedAt as string) / 1000,
      testingCentreCode: await codeOf(naat.sourceId),
      country: naat.country,
    });
    const igg = records.find((r) => r.kind === 'igg' && Date.parse(r.sampledAt as string) / 1000 === read.antibodyTests[0].sampleTime)!;
    expect(read.antibodyTests[0]).toMatchObject({
      result: igg.result,
      value: String(igg.value as number | string),
      cutoff: String(igg.cutoff as number | string),
      unit: igg.unit,
      method: igg.method,
      assayCode: igg.assayCode,
      target: igg.target,
      testingCentreCode: await codeOf(igg.sourceId),
    });
    for (const v of read.vaccinations) {
      const r = records.find((x) => x.kind === 'vaccination' && x.date === v.date && x.dose === v.doseNumber)!;
      expect(v).toMatchObject({
        product: r.product,
        manufacturer: r.manufacturer,
        prophylaxis: r.vaccine,
        disease: r.disease,
        totalDoses: r.doses,
        vaccinationSiteCode: await codeOf(r.sourceId),
      });
    }
  } finally {
    await app.store.close();
  }
});

test('the sources the code names by code are in the signed source list, with Latin-script names a border can show', () => {
  const codes = [read.tests[0].testingCentreCode, read.antibodyTests[0].testingCentreCode, read.vaccinations[0].vaccinationSiteCode];
  for (const c of codes) {
    const s = sources.get(c)!;
    expect(s).toBeDefined();
    expect(s.nameLatin).toMatch(/^[\x20-\x7e]+$/);
    expect(s.name).toMatch(/[\u4e00-\u9fff]/);
    expect(s.region).toBe('CN-BJ');
  }
  expect(sources.get(read.tests[0].testingCentreCode)!.type).toBe('lab');
  expect(sources.get(read.vaccinations[0].vaccinationSiteCode)!.type).toBe('vaccination-site');
});

test("the demo's sealed code encrypts the very deflate stream inside its open code's zlib, as docs/sealed-codes.md says", async () => {
  const keyPem = readFileSync(join(demo.out, 'authority-demo-key.pem'), 'utf8');
  const jwk = createPrivateKey(keyPem).export({ format: 'jwk' });
  const plaintext = await independentDecrypt(coseOfSealedCode(demo.certificate.codes.sealed[0].code), jwk);
  const compressed = base45Decode(demo.certificate.codes.ithc.slice('ITHC1:'.length));
  // zlib (RFC 1950) = a 2-byte header, the raw DEFLATE stream, a 4-byte Adler-32.
  expect(plaintext.toString('hex')).toBe(compressed.subarray(2, -4).toString('hex'));
});

test("the demo traveller's sizes are the ones §Size and docs/sealed-codes.md state", () => {
  const size = DOC.slice(DOC.indexOf('## Size'), DOC.indexOf('## Annotated example')).replace(/\s+/g, ' ');
  const m =
    /takes \*\*(\d+) characters\*\*, QR version (\d+) at level Q[^.]*\. Its COSE_Sign1 is (\d+) bytes; zlib makes it (\d+) and base45 (\d+) characters, plus the (\d+) of `ITHC1:`\. Sealed for the demo partner it takes (\d+) characters \(version (\d+)\): (\d+) more/.exec(
      size,
    );
  expect(m).not.toBeNull();
  const [chars, version, cose, zlib, base45, prefix, sealedChars, sealedVersion, more] = m!.slice(1).map(Number);
  const code: string = demo.certificate.codes.ithc;
  const sealed: string = demo.certificate.codes.sealed[0].code;
  const compressed = base45Decode(code.slice('ITHC1:'.length));
  // The COSE_Sign1 has the same bytes at every signing (a 64-byte signature, integers of fixed width).
  expect(inflateSync(compressed).length).toBe(cose);
  expect(prefix).toBe('ITHC1:'.length);
  // "A few characters vary from one signing to the next": what deflate makes of 64 random signature bytes.
  const few = 6;
  expect(Math.abs(compressed.length - zlib)).toBeLessThanOrEqual(few / 2);
  expect(Math.abs(code.length - chars)).toBeLessThanOrEqual(few);
  expect(code.length - 'ITHC1:'.length).toBe(Math.floor(compressed.length / 2) * 3 + (compressed.length % 2) * 2);
  expect(base45 + prefix).toBe(chars);
  expect(qrMatrix(code, 'Q').version).toBe(version);
  expect(qrMatrix('ITHC1:' + 'A'.repeat(chars - 6), 'Q').version).toBe(version);
  // The sealed overhead is exact (docs/sealed-codes.md §Size): the net bytes of its table, in base45, plus a prefix one longer.
  const sealedText = readFileSync(join(ROOT, 'docs/sealed-codes.md'), 'utf8');
  const net = Number(/\| \*\*net, against the open code's bytes\*\* \| \*\*(\d+)\*\* \|/.exec(sealedText)![1]);
  expect(base45Decode(sealed.slice('ITHCS1:'.length)).length - compressed.length).toBe(net);
  const b45 = (n: number) => Math.floor(n / 2) * 3 + (n % 2) * 2;
  expect(sealed.length - code.length).toBe(b45(compressed.length + net) - b45(compressed.length) + 1);
  expect(sealedChars - chars).toBe(more);
  expect(Math.abs(sealed.length - code.length - more)).toBeLessThanOrEqual(1);
  expect(qrMatrix(sealed, 'Q').version).toBe(sealedVersion);
  const sealedDoc = sealedText.replace(/\s+/g, ' ');
  const s = /open code (\d+) characters \(QR version (\d+) at level Q\); sealed code (\d+) characters \(version (\d+)\): \*\*\+(\d+)\*\*, ×([\d.]+)/.exec(
    sealedDoc,
  );
  expect(s).not.toBeNull();
  expect(s!.slice(1, 6).map(Number)).toEqual([chars, version, sealedChars, sealedVersion, more]);
  expect(Number(s![6])).toBeCloseTo(sealedChars / chars, 2);
});

testWithTestdata('dcc-testdata', "§Size's median of the EU test data's single-record HC1 codes, and its QR version", () => {
  const size = DOC.slice(DOC.indexOf('## Size'), DOC.indexOf('## Annotated example')).replace(/\s+/g, ' ');
  const m = /against a median of \*\*(\d+)\*\* for a single-record EU `HC1:` code over the EU test data \(version (\d+);/.exec(size);
  expect(m).not.toBeNull();
  const single: number[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        let c: { PREFIX?: unknown; JSON?: Record<string, unknown> };
        try {
          c = JSON.parse(readFileSync(p, 'utf8'));
        } catch {
          continue; // the suite holds a few JSON files that are not cases
        }
        if (typeof c?.PREFIX !== 'string' || !c.PREFIX.startsWith('HC1:') || !c.JSON || typeof c.JSON !== 'object') continue;
        const records = ['v', 't', 'r'].reduce((n, k) => n + (Array.isArray(c.JSON![k]) ? (c.JSON![k] as unknown[]).length : 0), 0);
        if (records === 1) single.push(c.PREFIX.length);
      }
    }
  };
  walk(testdataPath('dcc-testdata'));
  single.sort((a, b) => a - b);
  const mid = single.length >> 1;
  const median = single.length % 2 ? single[mid] : (single[mid - 1] + single[mid]) / 2;
  expect(Number(m![1])).toBe(median);
  expect(qrMatrix('HC1:' + 'A'.repeat(median - 4), 'Q').version).toBe(Number(m![2]));
});
