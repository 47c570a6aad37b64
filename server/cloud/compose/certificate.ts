/**
 * Composition of the `certificate` cloud function: issuance, the holder's view, sealed codes,
 * entry rules, and the paper version.
 *
 * The paper version's renderer (pdf-lib, fontkit and its brotli decoder: ~1.2 MB minified) is a
 * bundle of its own beside this one, `pdf.js` (scripts/build.mjs), loaded on the first
 * certificate.pdf call: every other action starts without parsing it, and index.js stays under
 * the 1 MB this project allows a function (docs/performance.md).
 *
 * The renderer runs in the function's own thread, not in worker threads as in the local gateway
 * (node/pdf-pool.ts), and without its limits on jobs in flight (server/pdf/limits.ts): a cloud
 * function instance serves one invocation at a time, and concurrent calls get instances of their
 * own, so a PDF being rendered holds up no other caller's request, and a count of jobs kept in one
 * instance's memory would never see a second one. What bounds parallel PDFs there is the
 * platform's concurrency limit for the function (its environment's quota). Same interface
 * (PdfRenderer), same pure function (renderCertificatePdf), loaded from pdf.js.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { issuanceOf } from '../../compose/issuance';
import { partnersOf } from '../../compose/partners';
import { recordsOf } from '../../compose/records';
import { relativesOf } from '../../compose/relatives';
import { sealOf } from '../../compose/seal';
import { subjectResolverOf } from '../../compose/subject';
import { certificateFunction } from '../../functions/certificate';
import type { renderCertificatePdf } from '../../pdf/certificate-pdf';
import { verifyLinks, type PdfRenderer } from '../../pdf/service';
import { CloudFileStorage } from '../../pdf/storage';
import { requirePublicBaseUrl } from '../../provision/environment';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

/** The file name of the renderer's bundle beside index.js (scripts/build.mjs writes it). */
export const PDF_BUNDLE = 'pdf.js';

export async function composeCertificate(base: CloudBase): Promise<ComposedFunction> {
  const p = cloudPlatform(base);
  const services = {
    clock: p.clock,
    config: p.config,
    subjectOf: await subjectResolverOf(p),
    // Acting for a relative (`for`): relations only, without the document checks (server/compose/relatives.ts).
    relatives: await relativesOf(p),
    records: await recordsOf(p),
    issuance: await issuanceOf(p),
    partners: await partnersOf(p),
    seal: await sealOf(p),
  };
  // PDFs go to cloud storage and are handed out as temporary URLs; housekeeping deletes them once
  // expired. The paper version prints where to verify: the deployment's public address, never a guess.
  const paper = { storage: new CloudFileStorage(base.sdk, base.clock, { store: base.store }), links: verifyLinks(requirePublicBaseUrl(base.env)) };
  const def = certificateFunction({ ...services, paper }, pdfRendererBeside(__dirname));
  return { def, routes: [] };
}

/** The renderer from `dir`/pdf.js, required on first use (a computed path: esbuild leaves it to run time). */
export function pdfRendererBeside(dir: string): PdfRenderer {
  let render: typeof renderCertificatePdf | undefined;
  return (input) => {
    render ??= (createRequire(join(dir, PDF_BUNDLE))(join(dir, PDF_BUNDLE)) as { renderCertificatePdf: typeof renderCertificatePdf }).renderCertificatePdf;
    return render(input);
  };
}
