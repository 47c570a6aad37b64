/**
 * The cloud functions and their actions, all of them over one app: what the local gateway serves
 * (node/start.ts) and the tests call. Each function is defined in a module of its own
 * (identity.ts, document.ts, certificate.ts, ...) over only the services it uses, so that a cloud
 * function (server/cloud/compose/<name>.ts) bundles only what its actions need. Each action authorises
 * its caller (the OPENID WeChat vouches for) and touches only that caller's data; operator actions
 * need operator rights.
 */
import type { App } from '../app';
import { renderCertificatePdf } from '../pdf/certificate-pdf';
import { adminFunction } from './admin';
import { certificateFunction } from './certificate';
import { documentFunction } from './document';
import { identityFunction } from './identity';
import { partnersFunction } from './partners';
import { relativesFunction } from './relatives';
import type { FunctionDef } from './router';
import { trustlistFunction } from './trustlist';

export { certificateView, type CertificateView } from './certificate';

export function functionsFor(app: App): FunctionDef[] {
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
