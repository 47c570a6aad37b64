/**
 * Keys of a local installation (npm start, the demo, tests on a data folder). There the CSCA is
 * not with an operator: it is made on first run into the data folder's secrets (0600, beside the
 * KEK), and stands in for the operator at each step — installing the CSCA certificate, certifying
 * each request as soon as it is made — through the same KeyService functions and the same CA
 * functions (server/keys/ca.ts) that production's operator uses with `ithc keys`.
 */
import type { Clock } from '../clock';
import { certificateDer } from '../../core/x509';
import { certificatePem, certifyRequest, createCsca, loadOfflineCa, privateKeyPem, type OfflineCa } from './ca';
import type { SecretStore } from './secrets';
import { SIGNING_KEY_KINDS, type Certifier, type KeyService } from './service';

export const LOCAL_CSCA_KEY_SECRET = 'csca-key.pem';
export const LOCAL_CSCA_CERTIFICATE_SECRET = 'csca.pem';

/** The data folder's CSCA, made on first run. */
export async function loadLocalCa(secrets: SecretStore, opts: { country: string; organisation: string; clock: Clock }): Promise<OfflineCa> {
  let keyPem = await secrets.get(LOCAL_CSCA_KEY_SECRET);
  let certPem = await secrets.get(LOCAL_CSCA_CERTIFICATE_SECRET);
  if (keyPem === undefined || certPem === undefined) {
    const made = createCsca({ country: opts.country, organisation: opts.organisation, now: opts.clock.now() });
    // The key first: a certificate is never left without its key.
    keyPem = secrets.putIfAbsent ? await secrets.putIfAbsent(LOCAL_CSCA_KEY_SECRET, privateKeyPem(made.privateKey)) : privateKeyPem(made.privateKey);
    if (!secrets.putIfAbsent) await secrets.put(LOCAL_CSCA_KEY_SECRET, keyPem);
    if (keyPem === privateKeyPem(made.privateKey)) {
      certPem = certificatePem(made.certificate);
      await secrets.put(LOCAL_CSCA_CERTIFICATE_SECRET, certPem);
    } else {
      // Another process made the key at the same moment: wait for its certificate.
      for (let i = 0; i < 50 && certPem === undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
        certPem = await secrets.get(LOCAL_CSCA_CERTIFICATE_SECRET);
      }
      if (certPem === undefined) throw new Error(`the data folder has ${LOCAL_CSCA_KEY_SECRET} without ${LOCAL_CSCA_CERTIFICATE_SECRET}`);
    }
  }
  return loadOfflineCa(certificateDer(certPem), keyPem);
}

/** Certifies each request at once with the local CSCA, under the profile of the key's kind. */
export function localCertifier(ca: OfflineCa, clock: Clock): Certifier {
  return async (csr, kind) => Promise.resolve(certifyRequest(ca, csr, { profile: kind, now: clock.now() }));
}

/** Installs the local CSCA, and makes a DSC and a trust-list signer when there is none that is valid. Idempotent. */
export async function ensureLocalKeys(keys: KeyService, ca: OfflineCa): Promise<void> {
  if (await keys.legacyRecords()) {
    throw new Error(
      'this data folder was made by an earlier version, which kept private keys in clear files: start with a new data folder (ITHC_DATA_DIR) and delete this one',
    );
  }
  await keys.installCsca(ca.certificate);
  for (const kind of SIGNING_KEY_KINDS) if (!(await keys.hasCertified(kind))) await keys.rotate(kind);
}
