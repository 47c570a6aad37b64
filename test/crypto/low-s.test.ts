/**
 * Low-S signatures, as docs/ithc-certificate.md promises: every ES256 signer we ship returns s ≤ n/2,
 * so a verifier that enforces low-S (noble's default) accepts every code we sign.
 */
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { isLowS, toLowS } from '../../core/crypto/low-s';
import { nobleEs256Signer } from '../../core/crypto/noble';
import { nodeEs256Signer } from '../../server/keys/es256-signer';

const N = p256.Point.CURVE().n;
const SIGNATURES = 1000;

function bytes32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

function withS(s: bigint): Uint8Array {
  const sig = new Uint8Array(64).fill(7);
  sig.set(bytes32(s), 32);
  return sig;
}

describe('toLowS', () => {
  test('keeps s ≤ n/2, replaces s > n/2 by n − s, leaves r and the input alone', () => {
    const half = N >> 1n;
    for (const s of [1n, half - 1n, half]) expect(toLowS(withS(s))).toEqual(withS(s));
    for (const s of [half + 1n, N - 1n]) {
      const input = withS(s);
      const out = toLowS(input);
      expect(out).toEqual(withS(N - s));
      expect(out.subarray(0, 32)).toEqual(input.subarray(0, 32));
      expect(input).toEqual(withS(s));
      expect(isLowS(out)).toBe(true);
    }
    expect(isLowS(withS(half + 1n))).toBe(false);
  });

  test('refuses anything but 64 bytes', () => {
    expect(() => toLowS(new Uint8Array(63))).toThrow(RangeError);
    expect(() => isLowS(new Uint8Array(72))).toThrow(RangeError);
  });
});

describe(`${SIGNATURES} signatures from each signer`, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const point = Uint8Array.from([4, ...Buffer.from(jwk.x, 'base64url'), ...Buffer.from(jwk.y, 'base64url')]);
  const messages = Array.from({ length: SIGNATURES }, (_, i) => new TextEncoder().encode(`ITHC low-S message ${i}`));

  const strictVerify = (msg: Uint8Array, sig: Uint8Array) => p256.verify(sig, sha256(msg), point, { prehash: false, lowS: true, format: 'compact' });

  test('OpenSSL alone gives high-S often, so the normalisation is needed', () => {
    const raw = messages.slice(0, 200).map((m) => new Uint8Array(nodeSign('sha256', m, { key: privateKey, dsaEncoding: 'ieee-p1363' })));
    expect(raw.filter((s) => !isLowS(s)).length).toBeGreaterThan(0);
  });

  test('node:crypto signer (issuance, the sign worker, the trust list): all low-S, all verify strictly and with OpenSSL', async () => {
    const signer = nodeEs256Signer(privateKey);
    const sigs = await Promise.all(messages.map((m) => signer.sign(m)));
    expect(sigs.filter((s) => !isLowS(s))).toEqual([]);
    expect(messages.filter((m, i) => !nodeVerify('sha256', m, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sigs[i]))).toEqual([]);
    // noble's strict verify is pure JavaScript (~5 ms each): a sample suffices to show it agrees.
    for (let i = 0; i < 50; i++) expect(strictVerify(messages[i], sigs[i])).toBe(true);
  });

  test('noble signer (the golden vectors): all low-S', async () => {
    const d = Buffer.from((privateKey.export({ format: 'jwk' }) as { d: string }).d, 'base64url');
    const signer = nobleEs256Signer(new Uint8Array(d));
    const sigs = await Promise.all(messages.map((m) => signer.sign(m)));
    expect(sigs.filter((s) => !isLowS(s))).toEqual([]);
    for (let i = 0; i < 50; i++) expect(strictVerify(messages[i], sigs[i])).toBe(true);
  });
});
