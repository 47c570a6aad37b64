/**
 * The certificate builder's DER must be readable by OpenSSL (node's X509Certificate), whatever
 * the random serial. One serial in 256 used to start 00 0x (non-minimal INTEGER), which OpenSSL
 * refuses: the e2e flow failed on CI once in a while because of it.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { buildCertificate, serialNumberOf } from '../../server/keys/x509-builder';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function selfSigned(serialEntropy?: Uint8Array): Uint8Array {
  return buildCertificate({
    subject: { C: 'CN', O: 'ITHC', CN: 'serial test' },
    publicKey: key.publicKey,
    selfSigningKey: key.privateKey,
    notBefore: new Date(Date.UTC(2026, 0, 1)),
    notAfter: new Date(Date.UTC(2027, 0, 1)),
    ca: true,
    serialEntropy,
  });
}

const edges: Array<[string, Uint8Array]> = [
  ['all zero', new Uint8Array(16)],
  ['00 then a byte below 0x80', Uint8Array.from({ length: 16 }, (_, i) => (i === 1 ? 0x10 : i))],
  ['all 0xff', new Uint8Array(16).fill(0xff)],
  ['top bit set', Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x80 : 0x55))],
];

describe('certificate serial numbers', () => {
  test.each(edges)('%s: OpenSSL reads the certificate and its serial is 16 bytes, positive, minimal', (_, entropy) => {
    const cert = new X509Certificate(Buffer.from(selfSigned(entropy)));
    const serial = serialNumberOf(entropy);
    expect(cert.serialNumber.toLowerCase()).toBe(Buffer.from(serial).toString('hex'));
    expect(serial.length).toBe(16);
    expect(serial[0] & 0x80).toBe(0);
    expect(serial[0]).not.toBe(0);
    // Everything below the top two bits is the caller's entropy.
    expect(serial.subarray(1)).toEqual(entropy.subarray(1));
    expect(serial[0] & 0x3f).toBe(entropy[0] & 0x3f);
  });

  test('fresh serials: 1,000 certificates all parse, and no two serials are equal', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(new X509Certificate(Buffer.from(selfSigned())).serialNumber);
    expect(seen.size).toBe(1000);
  });

  test('anything but 16 bytes of entropy is refused', () => {
    expect(() => serialNumberOf(new Uint8Array(15))).toThrow(RangeError);
  });
});
