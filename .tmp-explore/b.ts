import { readFileSync, writeFileSync } from 'node:fs';
import { renderCertificatePdf } from '../server/pdf/certificate-pdf';
(async () => {
  const c = JSON.parse(readFileSync('/tmp/demo1/certificate.json', 'utf8'));
  const t0 = Date.now();
  const pdf = await renderCertificatePdf({ ithc: c.codes.ithc, dcc: c.dcc, links: { trustList: 'http://127.0.0.1:8787/trustlist', webVerifier: 'http://127.0.0.1:8787/verify/' }, printedAt: Date.parse(c.issuedAt) + 3600e3, lang: (process.argv[2] as any) ?? 'zh' });
  console.log('ms', Date.now() - t0, 'bytes', pdf.bytes.length, 'pages', pdf.pages);
  writeFileSync('/tmp/explore/cert.pdf', pdf.bytes);
})();
