/**
 * core/pem.ts (RFC 7468 blocks by label) and the key helpers of core/seal.ts built on the same
 * facts, each against node:crypto's own encoders.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fromBase64 } from '../../core/bytes';
import { PEM_CERTIFICATE, PEM_PKCS8, PEM_SEC1, pemBegin, pemBodies } from '../../core/pem';
import { authorityKid, p256Spki } from '../../core/seal';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('pemBodies', () => {
  test('finds every block of its label, in order, and none of another label', () => {
    const a = pair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const b = pair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = pair().privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const text = `junk\n${a}${sec1}between\n${b}`;
    const der = (pem: string) =>
      Buffer.from(
        pem
          .split('\n')
          .filter((l) => l && !l.startsWith('-----'))
          .join(''),
        'base64',
      );
    expect(pemBodies(text, PEM_PKCS8).map((x) => Buffer.from(fromBase64(x)))).toEqual([der(a), der(b)]);
    expect(pemBodies(text, PEM_SEC1).map((x) => Buffer.from(fromBase64(x)))).toEqual([der(sec1)]);
    expect(pemBodies(text, PEM_CERTIFICATE)).toEqual([]);
    expect(a.startsWith(pemBegin(PEM_PKCS8))).toBe(true);
    expect(sec1.startsWith(pemBegin(PEM_SEC1))).toBe(true);
  });

  test('an unterminated block is no block', () => {
    expect(pemBodies(`${pemBegin(PEM_PKCS8)}\nAAAA\n`, PEM_PKCS8)).toEqual([]);
  });
});

describe('p256Spki and authorityKid', () => {
  test('the SPKI of a point is what node:crypto exports, and its kid the first 8 bytes of its SHA-256', () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey } = pair();
      const spki = publicKey.export({ type: 'spki', format: 'der' });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      expect(Buffer.from(p256Spki(new Uint8Array(point)))).toEqual(spki);
      expect(Buffer.from(authorityKid(new Uint8Array(spki)))).toEqual(createHash('sha256').update(spki).digest().subarray(0, 8));
    }
  });

  test('p256Spki refuses anything but an uncompressed point', () => {
    expect(() => p256Spki(new Uint8Array(33).fill(2))).toThrow(TypeError);
    expect(() => p256Spki(new Uint8Array(65))).toThrow(TypeError);
  });
});
