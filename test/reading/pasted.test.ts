/**
 * Codes pasted out of e-mail (core/pasted.ts, through verifyCode as the CLI, the web page and the
 * mini program call it): wrapped the ways mail clients wrap, each must give the verdict of the
 * unwrapped code. The codes are the EU test data's and our own (an ITHC1 and an HC1 code signed
 * here with a key made at run time). Spaces are base45, so what must not happen is checked too: a
 * space removed without a line break is never put back, and a wrapped tampered code stays invalid.
 */
import { generateKeyPairSync } from 'node:crypto';
import { validateDccSchema } from '../../core/dcc-schema';
import { dccToCbor } from '../../core/dcc';
import { IthcError } from '../../core/errors';
import { decodeStages, signCode, verifyCode, type Verdict } from '../../core/hcert';
import { ithcToCbor } from '../../core/ithc';
import { KeyStore, type TrustedKey } from '../../core/keys';
import { decodeUnwrapped, MAX_CANDIDATES, unwrapCode, withLostSpaces } from '../../core/pasted';
import { publicKeyFromSpki, trustedKeyFromCertificate } from '../../core/x509';
import { fromBase64 } from '../../core/bytes';
import { deflate } from '../../core/zlib';
import { encodeBase45 } from '../../core/base45';
import { sealCode, sealPublicKey, sealedOpener } from '../../core/seal';
import { randomBytes } from 'node:crypto';
import { nodeCrypto } from '../../node/crypto-node';
import { nodeEs256Signer } from '../../server/keys/es256-signer';
import { exampleCertificate } from '../ithc/fixtures';
import { listCaseFiles, loadCase } from '../conformance/dcc-case';
import { describeWithTestdata } from '../support/testdata';
import { sampleDcc } from '../../bench/fixtures';

// --- how mail clients wrap ----------------------------------------------------------------------

/** A hard break every `width` characters, wherever it falls (a plain-text wrap that splits words). */
function hardWrap(code: string, width: number, eol: string): string {
  return code.replace(new RegExp(`(.{${width}})(?=.)`, 'g'), `$1${eol}`);
}

/**
 * Greedy wrapping at spaces, as mail clients do: a line longer than `width` breaks at its last
 * space. RFC 3676 format=flowed keeps that space at the end of the line (`keep`); other clients
 * replace it by the break. A line with no space to break at stays long.
 */
function wrapAtSpaces(code: string, width: number, keep: boolean, eol = '\r\n'): { text: string; breaks: number } {
  const lines: string[] = [];
  let rest = code;
  while (rest.length > width) {
    const at = rest.lastIndexOf(' ', width);
    if (at <= 0) {
      const next = rest.indexOf(' ', width);
      if (next < 0) break;
      lines.push(keep ? rest.slice(0, next + 1) : rest.slice(0, next));
      rest = rest.slice(next + 1);
      continue;
    }
    lines.push(keep ? rest.slice(0, at + 1) : rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  lines.push(rest);
  return { text: lines.join(eol), breaks: lines.length - 1 };
}

/** Every way of wrapping checked, by name. */
const STYLES: Record<string, (code: string) => string> = {
  'CRLF every 76 characters': (c) => hardWrap(c, 76, '\r\n'),
  'LF every 64, continuation lines indented with a tab, blank lines and spaces around': (c) => `\n\n  ${hardWrap(c, 64, '\n\t')}  \n`,
  'format=flowed at 72 (space kept at the end of the line)': (c) => wrapAtSpaces(c, 72, true).text,
  'wrapped at spaces at 72, the space dropped': (c) => wrapAtSpaces(c, 72, false).text,
  'wrapped at spaces at 60, the space dropped, LF': (c) => wrapAtSpaces(c, 60, false, '\n').text,
  'HTML mail: spaces as no-break spaces, CRLF every 76': (c) => hardWrap(c.replace(/ /g, '\u00a0'), 76, '\r\n'),
  'Unicode line separators every 50, a byte-order mark in front': (c) => '\ufeff' + hardWrap(c, 50, '\u2028'),
};

/** What a verdict says, for comparing two: the same code read two ways must say the same. */
function said(v: Verdict): unknown {
  return { valid: v.valid, format: v.format, kid: v.kid, errors: v.errors.map((e) => e.code), payload: v.certificate };
}

// --- our own codes ------------------------------------------------------------------------------

const NOW = Date.UTC(2021, 5, 2) / 1000;
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = nodeEs256Signer(new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })));
const KID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const trusted: TrustedKey = { kid: KID, key: publicKeyFromSpki(new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }))), country: 'CN' };
const ours = { keys: new KeyStore([trusted]), now: NOW, crypto: nodeCrypto, validateDccSchema };

const DCC = sampleDcc(1, 'CN');

let ithcCode: string;
let dccCode: string;
/** The ITHC code sealed to an authority whose key is made here: no zlib, so no checksum, around it. */
let sealedCode: string;
const authorityKey = new Uint8Array(randomBytes(32));
authorityKey[0] = 0x11; // a scalar below the P-256 order
const sealedOpts = { ...ours, openSealed: sealedOpener([{ privateKey: authorityKey }]) };

beforeAll(async () => {
  const times = { iss: 'CN', iat: NOW - 3600, exp: NOW + 30 * 86400, kid: KID, signer };
  ithcCode = (await signCode({ format: 'ithc', content: ithcToCbor(exampleCertificate()), ...times })).code;
  dccCode = (await signCode({ format: 'dcc', content: dccToCbor(DCC), ...times })).code;
  const sign1 = decodeStages(ithcCode).cose!;
  sealedCode = sealCode(sign1, [{ kid: KID, publicKey: sealPublicKey(authorityKey) }], (n) => new Uint8Array(randomBytes(n)));
});

describe('our codes, wrapped as mail clients wrap them', () => {
  it.each(Object.keys(STYLES))('%s: VALID, the same certificate as unwrapped', async (style) => {
    for (const code of [ithcCode, dccCode]) {
      // The fixtures must exercise what the style is about: a code with spaces to wrap at.
      expect(code).toContain(' ');
      const wrapped = STYLES[style](code);
      expect(wrapped).not.toBe(code);
      const plain = await verifyCode(code, ours);
      expect(plain.valid).toBe(true);
      expect(said(await verifyCode(wrapped, ours))).toEqual(said(plain));
    }
  });

  it.each(Object.keys(STYLES))('a sealed code, %s: opens and is VALID, the same certificate as unwrapped', async (style) => {
    const plain = await verifyCode(sealedCode, sealedOpts);
    expect(plain.valid).toBe(true);
    const wrapped = STYLES[style](sealedCode);
    expect(wrapped).not.toBe(sealedCode);
    expect(said(await verifyCode(wrapped, sealedOpts))).toEqual(said(plain));
  });

  it('a wrapped tampered code stays SIGNATURE_INVALID', async () => {
    const st = decodeStages(ithcCode);
    const cose = st.cose!.slice();
    cose[cose.length - 1] ^= 1;
    const tampered = st.prefix! + encodeBase45(deflate(cose));
    for (const style of Object.values(STYLES)) {
      const v = await verifyCode(style(tampered), ours);
      expect(v.valid).toBe(false);
      expect(v.errors.map((e) => e.code)).toEqual(['SIGNATURE_INVALID']);
    }
  });

  it('a space lost without a line break is not guessed back: the code stays damaged', async () => {
    const at = ithcCode.indexOf(' ');
    const v = await verifyCode(ithcCode.slice(0, at) + ithcCode.slice(at + 1), ours);
    expect(v.valid).toBe(false);
    expect(['BASE45_INVALID', 'ZLIB_INVALID']).toContain(v.errors[0].code);
  });

  it('a space is never dropped: spaces inside the code are base45 and stay', () => {
    const u = unwrapCode(`  ${ithcCode}\r\n`);
    expect(u.text).toBe(ithcCode);
    expect(u.gaps).toEqual([]);
  });
});

describeWithTestdata('dcc-testdata', 'the EU test data, wrapped', () => {
  const cases = listCaseFiles()
    .map(loadCase)
    .filter((c) => typeof c.raw.PREFIX === 'string');

  it('holds the codes this test is about (spaces in them, none ending in a space)', () => {
    expect(cases.length).toBeGreaterThan(500);
    const codes = cases.map((c) => c.raw.PREFIX as string);
    expect(codes.filter((c) => c.includes(' ')).length).toBeGreaterThan(500);
    // What trimming the ends relies on: base45 never ends with a space.
    expect(codes.filter((c) => c.endsWith(' '))).toEqual([]);
  });

  /** Each case that decodes unwrapped (one that does not says nothing about wrapping), with its keys and verdict. */
  let decodable: Array<{ id: string; code: string; opts: Parameters<typeof verifyCode>[1]; plain: unknown }>;
  beforeAll(async () => {
    decodable = [];
    for (const c of cases) {
      const code = c.raw.PREFIX as string;
      if (!decodeStages(code).cose) continue;
      const cert = (c.raw.TESTCTX as { CERTIFICATE?: string } | undefined)?.CERTIFICATE;
      let keys: TrustedKey[] = [];
      try {
        keys = cert ? [trustedKeyFromCertificate(fromBase64(cert))] : [];
      } catch {
        // An undecodable certificate: the verdict (KID_UNKNOWN) is compared all the same.
      }
      const opts = { keys: new KeyStore(keys), now: Date.UTC(2021, 5, 1) / 1000, crypto: nodeCrypto, validateDccSchema };
      decodable.push({ id: c.id, code, opts, plain: said(await verifyCode(code, opts)) });
    }
  });

  it.each(Object.keys(STYLES))('%s: every case gives the verdict of its unwrapped code', async (style) => {
    expect(decodable.length).toBeGreaterThan(500);
    for (const d of decodable) {
      expect({ id: d.id, verdict: said(await verifyCode(STYLES[style](d.code), d.opts)) }).toEqual({ id: d.id, verdict: d.plain });
    }
  });
});

describe('unwrapCode and the search for lost spaces', () => {
  it('removes breaks, tabs and zero-width characters, reads no-break spaces as spaces, trims the ends', () => {
    expect(unwrapCode('\ufeff HC1:AB\r\nC\u200bD\tE F\u00a0G \n')).toEqual({ text: 'HC1:ABCDE F G', gaps: [6] });
  });

  it('marks a gap at every line break inside the code, next to a space too; none at a tab or at the ends', () => {
    expect(unwrapCode('HC1:AB\nCD\r\nEF').gaps).toEqual([6, 8]);
    // Base45 has runs of spaces: a client that wrapped at one of two spaces and dropped it leaves one.
    expect(unwrapCode('HC1:AB \nCD').gaps).toEqual([7]);
    expect(unwrapCode('HC1:AB\n CD').gaps).toEqual([6]);
    expect(unwrapCode('HC1:AB\tCD').gaps).toEqual([]);
    expect(unwrapCode('\r\n\r\nHC1:ABCD\r\n').gaps).toEqual([]);
  });

  it('tries the text as it is first, then a space at every gap, then fewer', () => {
    const u = unwrapCode('HC1:A\nB\nC');
    expect([...withLostSpaces(u, 4)]).toEqual(['HC1:ABC', 'HC1:A B C', 'HC1:A BC', 'HC1:AB C']);
  });

  it('tries at most MAX_CANDIDATES texts, however many gaps', () => {
    const u = unwrapCode(Array.from({ length: 40 }, () => 'AB').join('\n'));
    expect([...withLostSpaces(u, 0)]).toHaveLength(MAX_CANDIDATES);
  });

  it('stops at once on a failure other than base45 or zlib (a decompression bomb is inflated once)', () => {
    let calls = 0;
    const bomb = () => {
      calls++;
      throw new IthcError('SIZE_LIMIT', 'too large');
    };
    expect(() => decodeUnwrapped(unwrapCode('HC1:AB\nCD\nEF'), 4, bomb)).toThrow(/too large/);
    expect(calls).toBe(1);
    calls = 0;
    const broken = () => {
      calls++;
      throw new IthcError('ZLIB_INVALID', 'bad');
    };
    expect(() => decodeUnwrapped(unwrapCode('HC1:AB\nCD\nEF'), 4, broken)).toThrow(/bad/);
    expect(calls).toBe(4);
  });

  it('a code read from a QR (no breaks) is decoded exactly once', () => {
    let calls = 0;
    decodeUnwrapped(unwrapCode(dccCode), 4, () => calls++);
    expect(calls).toBe(1);
  });
});
