/**
 * A signing thread of node/sign-pool.ts (bundled to dist/sign-worker.cjs): signs the jobs it is
 * sent with server/issuance/sign.ts and answers each with its outcome or the error's text.
 */
import { parentPort } from 'node:worker_threads';
import type { Signer } from '../core/crypto/provider';
import { signCertificate } from '../server/issuance/sign';
import { nodeEs256Signer } from './crypto-node';
import type { SignReply, SignRequest } from './sign-pool';

const signers = new Map<string, Signer>();

if (!parentPort) throw new Error('sign-worker runs as a worker thread of node/sign-pool.ts');
const port = parentPort;

port.on('message', (m: SignRequest) => {
  void (async (): Promise<SignReply> => {
    try {
      let signer = signers.get(m.kid);
      if (!signer) {
        if (!m.key) throw new Error(`no key for kid ${m.kid}`);
        signer = nodeEs256Signer(m.key);
        signers.set(m.kid, signer);
      }
      return { id: m.id, outcome: await signCertificate(m.job, signer) };
    } catch (e) {
      return { id: m.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  })().then((reply) => port.postMessage(reply));
});
