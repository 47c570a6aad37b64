/**
 * A signing thread of node/sign-pool.ts (bundled to dist/sign-worker.cjs): signs the jobs it is
 * sent with server/issuance/sign.ts.
 */
import type { KeyObject } from 'node:crypto';
import type { Signer } from '../core/crypto/provider';
import { signCertificate } from '../server/issuance/sign';
import { nodeEs256Signer } from '../server/keys/es256-signer';
import type { SignMessage } from './sign-pool';
import { serveJobs } from './worker-pool';

const signers = new Map<string, Signer>();

function signerFor(kid: string, key: KeyObject | undefined): Signer {
  let signer = signers.get(kid);
  if (!signer) {
    if (!key) throw new Error(`no key for kid ${kid}`);
    signer = nodeEs256Signer(key);
    signers.set(kid, signer);
  }
  return signer;
}

serveJobs(async (m: SignMessage) => signCertificate(m.job, { ithc: signerFor(m.kid.ithc, m.key?.ithc), dcc: signerFor(m.kid.dcc, m.key?.dcc) }));
