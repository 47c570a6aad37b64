/**
 * The signing half of issuance: from the built certificate contents to the signed codes (one
 * ITHC1 code and an HC1 code per record a DCC can express) and the readable certificate. Pure
 * CPU work, no store and no clock (the times come in the job), so it can run where the signing
 * engine puts it: in the calling thread (cloud functions, tests) or in a worker thread of the local
 * gateway (node/sign-pool.ts), where it takes the heaviest part of a new certificate off the
 * thread that serves every request.
 */
import { signCode } from '../../core/hcert';
import { encodeIthc, ithcToJson, type IthcCertificateInput } from '../../core/ithc';
import { dccToCbor } from '../../core/dcc';
import type { Signer } from '../../core/crypto/provider';
import type { Json } from '../store/store';
import type { ActiveKey } from '../keys/service';
import { buildDccs, sourceNamesOf, type DccLink, type SourceNameEntry } from './build';

/** Everything signing needs, as structured-clonable data (it may cross to a worker thread). */
export interface SignJob {
  input: IthcCertificateInput;
  /** build.ts BuiltCertificate.recordIdByDccRef: the record behind each entry a DCC can carry. */
  recordIdByDccRef: readonly DccLink[];
  /** build.ts BuiltCertificate.sourceNames: names for the sources the certificate gives by code. */
  sourceNames?: SourceNameEntry[];
  country: string;
  iat: number;
  /** Signature expiry (CWT exp), seconds, per kind of code (server/issuance/policy.ts). */
  exp: { ithc: number; dccTest: number; dccVaccination: number };
  /** kids of the two signers: the ITHC1 code's (an ithc-dsc) and the HC1 codes' (a dsc). */
  kid: { ithc: Uint8Array; dcc: Uint8Array };
}

/** The signers of a job, one per format (docs/keys.md: each format has its own DSC). */
export interface FormatSigners {
  ithc: Signer;
  dcc: Signer;
}

export interface SignedCertificate {
  ithc: string;
  dcc: Array<{ recordId: string; type: 't' | 'v'; uci: string; code: string; expiresAt: number }>;
  /** The readable certificate (ithcToJson form, with the names of sources given by code beside their codes). */
  certificate: Record<string, Json>;
}

/** Our own data failed our own model (a bug or bad source data): what readIthc found; nothing was signed. */
export type SignOutcome = { ok: true; signed: SignedCertificate } | { ok: false; problems: string[] };

export async function signCertificate(job: SignJob, signers: FormatSigners): Promise<SignOutcome> {
  // Records the issuer does not control can make a certificate that is not valid: reported, not signed.
  const { value: cbor, certificate: cert, problems } = encodeIthc(job.input);
  if (!cert || problems.length) return { ok: false, problems };
  const ithc = await signCode({ format: 'ithc', content: cbor, iss: job.country, iat: job.iat, exp: job.exp.ithc, kid: job.kid.ithc, signer: signers.ithc });
  const dcc: SignedCertificate['dcc'] = [];
  for (const d of buildDccs(job.country, cert, job.recordIdByDccRef, job.sourceNames)) {
    const exp = d.type === 'v' ? job.exp.dccVaccination : job.exp.dccTest;
    const signed = await signCode({ format: 'dcc', content: dccToCbor(d.dcc), iss: job.country, iat: job.iat, exp, kid: job.kid.dcc, signer: signers.dcc });
    const entry = (d.dcc.v ?? d.dcc.t)![0] as { ci: string };
    dcc.push({ recordId: d.recordId, type: d.type, uci: entry.ci, code: signed.code, expiresAt: exp });
  }
  return { ok: true, signed: { ithc: ithc.code, dcc, certificate: ithcToJson(cert, { sources: sourceNamesOf(job.sourceNames) }) as Record<string, Json> } };
}

/** Where signing runs. */
/** The active keys of both formats. */
export interface SigningKeys {
  ithc: ActiveKey;
  dcc: ActiveKey;
}

export interface SigningEngine {
  sign(job: SignJob, keys: SigningKeys): Promise<SignOutcome>;
}

/** In the calling thread, with the keys' own signers. */
export const inThreadSigning: SigningEngine = {
  sign: (job, keys) => signCertificate(job, { ithc: keys.ithc.signer, dcc: keys.dcc.signer }),
};
