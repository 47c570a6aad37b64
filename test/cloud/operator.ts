/**
 * What an operator does for a fresh deployment's keys (docs/keys.md), for the cloud tests: a
 * read-only environment holding only the KEK, and an offline CSCA that certifies the keys the
 * functions request through admin (rotateKey → certify → installCertificate). The CA steps are the
 * functions `ithc keys` runs (server/keys/ca.ts); the cloud steps go through the admin function.
 */
import { EnvSecretStore } from '../../server/keys/secrets';
import { certificatePem, certifyRequest, createCsca, type OfflineCa } from '../../server/keys/ca';
import type { KeyView, SigningKeyKind } from '../../server/keys/service';
import { newKekText } from '../../server/keys/vault';
import { dispatch, type Envelope, type FunctionDef } from '../../server/functions/router';

/** The environment of a cloud function: the KEK and nothing else secret, and the public address the paper version prints. */
export function kekEnvironment(kek = newKekText()): Record<string, string> {
  return { ITHC_SECRET_KEK: kek, ITHC_PUBLIC_BASE_URL: 'https://ithc.example.org' };
}

export function envSecrets(env: Record<string, string>): EnvSecretStore {
  return new EnvSecretStore(env);
}

export function offlineCsca(now = Date.now()): OfflineCa {
  return createCsca({ country: 'CN', organisation: 'ITHC', now });
}

export async function ok<T>(p: Promise<Envelope>): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.data as T;
}

/** One key of `kind`: requested by the cloud, certified offline, installed. */
export async function certifyThroughAdmin(admin: FunctionDef, operator: string, ca: OfflineCa, kind: SigningKeyKind, now = Date.now()): Promise<KeyView> {
  const as = { openid: operator, operator: true };
  const pending = await ok<KeyView>(dispatch(admin, { action: 'rotateKey', kind }, as));
  if (pending.status !== 'pending-certification' || !pending.csr) throw new Error(`rotateKey gave ${pending.status}`);
  const der = certifyRequest(ca, pending.csr, { profile: kind, now });
  return ok<KeyView>(dispatch(admin, { action: 'installCertificate', certificate: certificatePem(der) }, as));
}

/** A fresh deployment's keys: the CSCA certificate installed, a DSC per format (HC1, ITHC1) and a trust-list signer certified. */
export async function provisionKeys(admin: FunctionDef, operator: string, ca: OfflineCa): Promise<void> {
  await ok(dispatch(admin, { action: 'installCsca', certificate: certificatePem(ca.certificate) }, { openid: operator, operator: true }));
  await certifyThroughAdmin(admin, operator, ca, 'dsc');
  await certifyThroughAdmin(admin, operator, ca, 'ithc-dsc');
  await certifyThroughAdmin(admin, operator, ca, 'trustlist-signer');
}
