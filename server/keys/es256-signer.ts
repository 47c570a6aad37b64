/**
 * The ES256 signer for Node processes (cloud functions, the local gateway and its signing threads):
 * OpenSSL through node:crypto, over a private key that stays inside its KeyObject.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { ALGORITHMS } from '../../core/algorithms';
import { toLowS } from '../../core/crypto/low-s';
import type { Signer } from '../../core/crypto/provider';

/** ES256 signer over a PKCS#8 PEM/DER private key (or its KeyObject). The key stays inside the KeyObject. */
export function nodeEs256Signer(pkcs8: string | Uint8Array | KeyObject): Signer {
  const key =
    typeof pkcs8 === 'object' && !(pkcs8 instanceof Uint8Array)
      ? pkcs8
      : createPrivateKey(typeof pkcs8 === 'string' ? { key: pkcs8, format: 'pem' } : { key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (key.type !== 'private') throw new TypeError('ES256 signing needs a private key');
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new TypeError('ES256 needs a P-256 private key');
  return {
    alg: ALGORITHMS[-7],
    async sign(data) {
      // OpenSSL returns high-S about half the time; the spec promises low-S (core/crypto/low-s.ts).
      return Promise.resolve(toLowS(new Uint8Array(nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }))));
    },
  };
}
