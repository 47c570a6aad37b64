/** The signing scheme as docs/ingestion.md states it, and the keyrings. */
import { createHash, createHmac } from 'node:crypto';
import {
  HEADERS,
  KEY_BYTES,
  MapKeyring,
  WrappedKeyring,
  canonicalString,
  createSourceKey,
  decodeSourceKey,
  encodeSourceKey,
  generateSourceKey,
  newNonce,
  signRequest,
  signatureMatches,
} from '../../server/ingest/signature';
import { KeyVault, parseKek } from '../../server/keys/vault';
import { systemClock } from '../../server/clock';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';

const body = new TextEncoder().encode('{"records":[]}');

describe('signing scheme', () => {
  test('the canonical string is the documented seven lines', () => {
    const s = canonicalString({ method: 'post', path: '/ingest/records?x=1', sourceId: 'lab-a', timestamp: '1714615200', nonce: 'abcdefghijklmnop', body });
    const hash = createHash('sha256').update(body).digest('hex');
    expect(s.split('\n')).toEqual(['ITHC-HMAC-SHA256', 'POST', '/ingest/records?x=1', 'lab-a', '1714615200', 'abcdefghijklmnop', hash]);
  });

  test('signRequest produces the documented headers: base64 HMAC-SHA256 of the canonical string', () => {
    const key = generateSourceKey();
    const h = signRequest({ method: 'POST', path: '/p', body, sourceId: 'lab-a', key, now: 1714615200999, nonce: 'n'.repeat(16) });
    expect(Object.keys(h).sort()).toEqual(Object.values(HEADERS).sort());
    expect(h[HEADERS.timestamp]).toBe('1714615200');
    const lines = ['ITHC-HMAC-SHA256', 'POST', '/p', 'lab-a', '1714615200', 'n'.repeat(16), createHash('sha256').update(body).digest('hex')].join('\n');
    expect(h[HEADERS.signature]).toBe(createHmac('sha256', key).update(lines).digest('base64'));
  });

  test('any change to a signed part breaks the signature', () => {
    const key = generateSourceKey();
    const parts = { method: 'POST', path: '/p', sourceId: 'lab-a', timestamp: '1714615200', nonce: 'n'.repeat(16), body };
    const sig = signRequest({ ...parts, key, now: 1714615200000, nonce: parts.nonce })[HEADERS.signature];
    expect(signatureMatches(key, parts, sig)).toBe(true);
    for (const changed of [
      { ...parts, method: 'PUT' },
      { ...parts, path: '/q' },
      { ...parts, sourceId: 'lab-b' },
      { ...parts, timestamp: '1714615201' },
      { ...parts, nonce: 'm'.repeat(16) },
      { ...parts, body: new TextEncoder().encode('{"records":[ ]}') },
    ]) {
      expect(signatureMatches(key, changed, sig)).toBe(false);
    }
    expect(signatureMatches(generateSourceKey(), parts, sig)).toBe(false);
    expect(signatureMatches(key, parts, sig.slice(0, 20))).toBe(false);
    expect(signatureMatches(key, parts, '')).toBe(false);
  });

  test('line breaks cannot be smuggled into signed parts', () => {
    expect(() => canonicalString({ method: 'POST', path: '/p\nlab-b', sourceId: 'lab-a', timestamp: '1', nonce: 'n'.repeat(16), body })).toThrow(TypeError);
  });

  test('nonces are 128-bit base64url and differ', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe('source keys and keyrings', () => {
  test('keys are 32 random bytes and round-trip through their text form', () => {
    const k = generateSourceKey();
    expect(k).toHaveLength(KEY_BYTES);
    expect(generateSourceKey()).not.toEqual(k);
    expect(decodeSourceKey(encodeSourceKey(k))).toEqual(k);
    expect(() => decodeSourceKey(encodeSourceKey(k).slice(0, 20))).toThrow(RangeError);
  });

  test('MapKeyring returns a source’s key or null, and refuses short keys', async () => {
    const k = generateSourceKey();
    const ring = new MapKeyring({ 'lab-a': k });
    expect(await ring.keyFor('lab-a')).toEqual(k);
    expect(await ring.keyFor('lab-b')).toBeNull();
    expect(() => new MapKeyring({ 'lab-a': new Uint8Array(16) })).toThrow(RangeError);
  });

  test('WrappedKeyring reads the wrapped key of a source; createSourceKey makes it once and hands it out once', async () => {
    const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
    const vault = new KeyVault(store, { current: parseKek(encodeSourceKey(generateSourceKey()), 'KEK') }, systemClock);
    const ring = new WrappedKeyring(vault);
    const k = await createSourceKey(vault, 'lab-a');
    expect(k).toHaveLength(KEY_BYTES);
    expect(await createSourceKey(vault, 'lab-a')).toBeNull();
    expect(await ring.keyFor('lab-a')).toEqual(k);
    expect(await ring.keyFor('lab-none')).toBeNull();
    expect(await ring.keyFor('../etc/passwd')).toBeNull();
    // A key too short to be ours is an operator error that names the source, never the value.
    await vault.create('ingest-hmac', 'lab-bad', new Uint8Array([1, 2, 3, 4]));
    const err = await ring.keyFor('lab-bad').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/lab-bad/);
    // Stored wrapped: the store holds no copy of the key.
    const stored = JSON.stringify(await store.find('keys', {}, { limit: 100 }));
    for (const form of [Buffer.from(k!).toString('base64'), encodeSourceKey(k!), Buffer.from(k!).toString('hex')]) expect(stored).not.toContain(form);
  });
});
