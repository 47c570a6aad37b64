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
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { certificateFunction } from '../../functions/certificate';
import { subjectResolver } from '../../functions/subject';
import { IssuanceService } from '../../issuance/service';
import { PartnerService } from '../../partners/service';
import type { renderCertificatePdf } from '../../pdf/certificate-pdf';
import { verifyLinks, type PdfRenderer } from '../../pdf/service';
import { CloudFileStorage } from '../../pdf/storage';
import { requirePublicBaseUrl } from '../../provision/environment';
import { RecordsService } from '../../records/service';
import { LocalRecordSource } from '../../records/sources';
import { RelativesService } from '../../relatives/service';
import { SealService } from '../../seal/service';
import type { ComposedFunction, CloudBase } from '../entry';
import { configOf, identityOf, personIdsOf } from './base';
import { registryOf } from './registry';
import { keysOf } from './keys';

/** The file name of the renderer's bundle beside index.js (scripts/build.mjs writes it). */
export const PDF_BUNDLE = 'pdf.js';

export async function composeCertificate(base: CloudBase): Promise<ComposedFunction> {
  const { store, clock } = base;
  const config = configOf(base);
  const personIds = await personIdsOf(base);
  const registry = registryOf(base);
  const keys = await keysOf(base);
  // The paper version prints where to verify: the deployment's public address, never a guess.
  const links = verifyLinks(requirePublicBaseUrl(base.env));
  const partners = new PartnerService({ store, clock, ownCountry: config.country });
  const def = certificateFunction(
    {
      clock,
      config,
      subjectOf: subjectResolver(store, registry),
      // Only acting through relations here (`for`): no document checks (RelativesService without `documents`).
      relatives: new RelativesService({ store, clock, identity: identityOf(base, personIds), registry, personIds }),
      records: new RecordsService([new LocalRecordSource(store)]),
      issuance: new IssuanceService({ store, clock, keys, country: config.country, issuerName: config.issuerName }),
      partners,
      // Sealing reads partners' encryption keys; the ephemeral keys come from the OS random source.
      seal: new SealService({ partners, clock, rng: (n) => new Uint8Array(randomBytes(n)) }),
      // PDFs go to cloud storage and are handed out as temporary URLs; housekeeping deletes them once expired.
      paper: { storage: new CloudFileStorage(base.sdk, clock, { store }), links },
    },
    pdfRendererBeside(__dirname),
  );
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
