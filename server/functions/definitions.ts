/**
 * The cloud functions and their actions, all of them over the local app's services: what the local
 * gateway serves (node/start.ts) and the tests call. Each function is defined in a module of its own
 * (identity.ts, document.ts, certificate.ts, ...) over only the services it uses, so that a cloud
 * function (server/cloud/compose/<name>.ts) bundles only what its actions need. Each action authorises
 * its caller (the OPENID WeChat vouches for) and touches only that caller's data; operator actions
 * need operator rights.
 */
import { renderCertificatePdf } from '../pdf/certificate-pdf';
import { adminFunction, type AdminDeps } from './admin';
import { certificateFunction, type CertificateFunctionDeps } from './certificate';
import { documentFunction, type DocumentFunctionDeps } from './document';
import { identityFunction, type IdentityFunctionDeps } from './identity';
import { partnersFunction, type PartnersFunctionDeps } from './partners';
import { relativesFunction, type RelativesFunctionDeps } from './relatives';
import type { FunctionDef } from './router';
import { trustlistFunction, type TrustListDeps } from './trustlist';

export { certificateView, type CertificateView } from './certificate';

/** Every function's services (server/app.ts App has them all). */
export type AllFunctionDeps = IdentityFunctionDeps &
  DocumentFunctionDeps &
  CertificateFunctionDeps &
  RelativesFunctionDeps &
  PartnersFunctionDeps &
  TrustListDeps &
  AdminDeps;

export function functionsFor(app: AllFunctionDeps): FunctionDef[] {
  return [
    identityFunction(app),
    documentFunction(app),
    certificateFunction(app, renderCertificatePdf),
    relativesFunction(app),
    partnersFunction(app),
    trustlistFunction(app),
    adminFunction(app),
  ];
}
