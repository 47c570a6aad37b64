/**
 * `npm run demo -- --out DIR [--data DIR]`: the whole traveller flow, non-interactively, through
 * the same services as the gateway, on the embedded store. Writes
 *   DIR/certificate.json   holder, codes (ithc, dcc, sealed), issued (the readable certificate), issuedAt, expiresAt
 *   DIR/trustlist.json     our signing certificates in the EU DSC-list shape (+ the CSCA)
 *   DIR/qr-ithc.png        the comprehensive code as a QR
 *   DIR/certificate.pdf    the paper version (A4, bilingual, server/pdf)
 *   DIR/authority-demo-key.pem   the demo partner authority's private key (PKCS#8 PEM, made at run
 *                          time in the data folder's secrets): it opens codes.sealed
 *   DIR/trustlist-signed.json, DIR/csca.pem   our signed trust list and the CSCA to check it
 *                          (`ithc verify --trust trustlist-signed.json --csca csca.pem --key ...`)
 *   DIR/sources-signed.json   our signed source list: the names of the laboratories and vaccination
 *                          sites the certificate gives by code (`--trust sources-signed.json`)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishDscList } from '../server/trust/dsc-list';
import { dataDir } from './data-dir';
import { call, openLocalApp } from './local';
import { demoTravellerFlow, DEMO_TRAVELLER_OPENID, seedDemo } from '../demo/seed';
import { DEMO_PARTNER_COUNTRY, demoAuthorityPrivateKeyPem } from '../demo/partner';
import type { SealView } from '../server/seal/service';
import { publishAppTrustList } from '../server/trust/signed-list';
import { publishAppSourceList } from '../server/trust/source-list';
import { sourceNamesFromJson } from '../server/issuance/build';
import { toBase64 } from '../core/bytes';
import { qrPng } from './qr-image';
import { renderCertificatePdf } from '../server/pdf/certificate-pdf';
import { verifyLinks } from '../server/pdf/service';

function certificatePem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${toBase64(der)
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`demo: ${msg}\n`);
  process.stderr.write('usage: npm run demo -- --out DIR [--data DIR]\n');
  process.exit(2);
}

export async function runDemo(argv: string[]): Promise<void> {
  let out: string | undefined;
  let data: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = argv[++i];
    else if (a === '--data') data = argv[++i];
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!out) usage('--out DIR is required');
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const app = await openLocalApp(dataDir(data));
  try {
    await seedDemo(app);
    const view = await demoTravellerFlow(app);
    const holder = view.certificate.holder as Record<string, unknown>;
    // Sealed to the demo partner authority, as the traveller's phone asks for them (certificate.seal).
    const seal = await call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'seal', destination: DEMO_PARTNER_COUNTRY });
    if (!seal.ok) throw new Error(`sealing for ${DEMO_PARTNER_COUNTRY} failed: ${seal.error.code} ${seal.error.message}`);
    const sealed = (seal.data as SealView).sealed ?? [];
    const certificate = {
      id: view.id,
      holder,
      codes: { ithc: view.codes.ithc, dcc: view.codes.dcc.map((d) => d.code), sealed },
      dcc: view.codes.dcc,
      // What the issuer signed, readable (core/ithc.ts ithcToJson, with the names of coded sources beside their codes).
      issued: view.certificate,
      issuedAt: new Date(view.issuedAt).toISOString(),
      expiresAt: new Date(view.expiresAt).toISOString(),
      status: view.status,
    };
    writeFileSync(join(dir, 'certificate.json'), JSON.stringify(certificate, null, 2) + '\n');
    writeFileSync(join(dir, 'trustlist.json'), JSON.stringify(await publishDscList(app.keys, app.config.country, app.clock.now()), null, 2) + '\n');
    writeFileSync(join(dir, 'qr-ithc.png'), qrPng(view.codes.ithc, { scale: 6 }));
    writeFileSync(join(dir, 'authority-demo-key.pem'), await demoAuthorityPrivateKeyPem(app), { mode: 0o600 });
    writeFileSync(join(dir, 'trustlist-signed.json'), JSON.stringify((await publishAppTrustList(app)).envelope, null, 2) + '\n');
    writeFileSync(join(dir, 'sources-signed.json'), JSON.stringify((await publishAppSourceList(app)).envelope, null, 2) + '\n');
    writeFileSync(join(dir, 'csca.pem'), certificatePem(await app.keys.cscaCertificate()));
    // The paper version (server/pdf): A4, bilingual, the QR at a fixed 70 mm.
    const links = verifyLinks(process.env.ITHC_PUBLIC_BASE_URL ?? `http://127.0.0.1:${process.env.ITHC_PORT ?? 8787}`);
    const sources = sourceNamesFromJson(view.certificate);
    writeFileSync(
      join(dir, 'certificate.pdf'),
      (await renderCertificatePdf({ ithc: view.codes.ithc, dcc: view.codes.dcc, links, printedAt: app.clock.now(), sources })).bytes,
    );
    process.stdout.write(
      `wrote certificate.json, trustlist.json, qr-ithc.png, certificate.pdf, authority-demo-key.pem, trustlist-signed.json, sources-signed.json and csca.pem to ${dir}\n`,
    );
  } finally {
    await app.store.close();
  }
}

if (require.main === module) {
  runDemo(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
