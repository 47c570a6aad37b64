/**
 * A signing thread of node/sign-pool.ts (bundled to dist/sign-worker.cjs): signs the jobs it is
 * sent with server/issuance/sign.ts.
 */
import type { Signer } from '../core/crypto/provider';
import { signCertificate } from '../server/issuance/sign';
import { nodeEs256Signer } from './crypto-node';
import type { SignMessage } from './sign-pool';
import { serveJobs } from './worker-pool';

const signers = new Map<string, Signer>();

serveJobs(async (m: SignMessage) => {
  let signer = signers.get(m.kid);
  if (!signer) {
    if (!m.key) throw new Error(`no key for kid ${m.kid}`);
    signer = nodeEs256Signer(m.key);
    signers.set(m.kid, signer);
  }
  return signCertificate(m.job, signer);
});
