/**
 * A PDF thread of node/pdf-pool.ts (bundled to dist/pdf-worker.cjs): renders the paper certificate
 * with server/pdf/certificate-pdf.ts.
 */
import { renderCertificatePdf, type CertificatePdfInput } from '../server/pdf/certificate-pdf';
import { fontBytes, fontkitForPdfLib } from '../server/pdf/fonts';
import { serveJobs } from './worker-pool';

// The fonts are read and parsed before the worker says it is ready: a font that cannot be found
// ends the worker as it starts (the pool says why and gives up), and no caller's PDF waits for it.
for (const weight of ['regular', 'bold'] as const) fontkitForPdfLib.create(fontBytes(weight));

serveJobs((input: CertificatePdfInput) => renderCertificatePdf(input));
