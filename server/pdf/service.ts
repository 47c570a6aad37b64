/**
 * The `certificate.pdf` action's service: renders the holder's stored certificate as the paper
 * version and hands back a temporary URL from the app's file storage.
 *
 * Wiring: the paper settings are part of the platform the services are made from
 * (server/compose/services.ts `paper`), given when the app is built: the local app's a
 * LocalFileStorage in the data folder and the gateway's own URLs (node/local.ts), the certificate
 * cloud function's a CloudFileStorage and the public URLs (ITHC_PUBLIC_BASE_URL).
 */
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import type { CertificateDoc } from '../issuance/service';
import type { Lang } from '../../core/valuesets';
// Types only: the renderer (pdf-lib, fontkit, the fonts) is passed in, so that what imports this
// module does not carry it (the cloud function loads it from a bundle of its own, on demand).
import type { CertificatePdf, CertificatePdfInput, VerifyLinks } from './certificate-pdf';
import { sourceNamesFromJson } from '../issuance/build';
import { DEFAULT_FILE_TTL_SECONDS, type FileStorage, type StoredFile } from './storage';

export interface PaperSettings {
  storage: FileStorage;
  links: VerifyLinks;
  /** Life of a download link, seconds. */
  ttlSeconds?: number;
  /**
   * Where PDFs are rendered, when not by the renderer the certificate function was given (in the
   * calling thread): the local gateway's worker threads with their limits (node/pdf-pool.ts).
   */
  render?: PdfRenderer;
}

/** The printed verification links for a public base URL (no trailing slash needed). */
export function verifyLinks(baseUrl: string): VerifyLinks {
  const base = baseUrl.replace(/\/+$/, '');
  return { trustList: `${base}/trustlist`, webVerifier: `${base}/verify/` };
}

/**
 * server/pdf/certificate-pdf.ts renderCertificatePdf, a loader of it, or a pool of threads running
 * it; `caller` is the OPENID that asked (for limits on jobs in flight, server/pdf/limits.ts).
 */
export type PdfRenderer = (input: CertificatePdfInput, caller: string) => Promise<CertificatePdf>;

/** Renders `doc` for `caller` (paper.render, else `render`) and stores it; the caller gets a temporary URL. */
export async function printCertificate(
  app: { paper?: PaperSettings; clock: Clock },
  doc: CertificateDoc,
  lang: Lang,
  render: PdfRenderer,
  caller: string,
): Promise<StoredFile> {
  const paper = app.paper;
  if (!paper)
    throw new ServiceError('UNAVAILABLE', {
      messageCode: 'server.printUnavailable',
    });
  const now = app.clock.now();
  if (doc.status === 'revoked')
    throw new ServiceError('CONFLICT', {
      messageCode: 'server.revokedCannotPrint',
    });
  if (doc.exp * 1000 <= now)
    throw new ServiceError('CONFLICT', {
      messageCode: 'server.expiredCannotPrint',
    });
  const pdf = await (paper.render ?? render)(
    { ithc: doc.codes.ithc, dcc: doc.codes.dcc, links: paper.links, printedAt: now, lang, sources: sourceNamesFromJson(doc.certificate) },
    caller,
  );
  // The file belongs to the account that asked (a proxy's printout of a relative's is the proxy's).
  return paper.storage.put(pdf.bytes, {
    contentType: 'application/pdf',
    ttlSeconds: paper.ttlSeconds ?? DEFAULT_FILE_TTL_SECONDS,
    name: 'certificate.pdf',
    owner: userIdFor(caller),
  });
}
