/**
 * The bench hook for the sealed code's size overhead (core/seal-size.ts): the numbers it reports
 * are the codes' own, and the sealed code it measures opens into the open code's COSE_Sign1.
 */
import { toHex } from '../../core/bytes';
import { decodeStages } from '../../core/hcert';
import { qrMatrix } from '../../core/qr';
import { openSealed, sealedCodeContent } from '../../core/seal';
import { measureSealOverhead, sealedSize } from '../../core/seal-size';
import { makeAuthority, rng, signedIthc } from './fixtures';

test('measureSealOverhead seals the open code and reports lengths, ratio and QR versions of both codes', async () => {
  const { signed } = await signedIthc();
  const authority = makeAuthority();
  const m = measureSealOverhead(signed.code, { kid: authority.kid, publicKey: authority.publicKey }, rng);
  expect(toHex(openSealed(sealedCodeContent(m.sealedCode), [{ privateKey: authority.privateKey }]))).toBe(toHex(decodeStages(signed.code).cose!));
  expect(m.openChars).toBe(signed.code.length);
  expect(m.sealedChars).toBe(m.sealedCode.length);
  expect(m.overheadChars).toBe(m.sealedChars - m.openChars);
  expect(m.ratio).toBeCloseTo(m.sealedChars / m.openChars, 10);
  expect(m.openQrVersion).toBe(qrMatrix(signed.code, 'Q').version);
  expect(m.sealedQrVersion).toBe(qrMatrix(m.sealedCode, 'Q').version);
  // Encryption adds an envelope and defeats compression: a sealed code is never the smaller one.
  expect(m.overheadChars).toBeGreaterThan(0);
  expect(m.sealedQrVersion).toBeGreaterThanOrEqual(m.openQrVersion);
});

test('sealedSize takes any pair of codes and an error-correction level', () => {
  const s = sealedSize('ITHC1:ABC', 'ITHCS1:ABCDEF', 'L');
  expect(s).toEqual({ openChars: 9, sealedChars: 13, overheadChars: 4, ratio: 13 / 9, ecc: 'L', openQrVersion: 1, sealedQrVersion: 1 });
});

test('an HC1 code is refused: only the comprehensive certificate is sealed', () => {
  expect(() => measureSealOverhead('HC1:6BFOXN', { kid: new Uint8Array([1]), publicKey: makeAuthority().publicKey }, rng)).toThrow(TypeError);
});
