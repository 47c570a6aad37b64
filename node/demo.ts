/**
 * `npm run demo -- --out DIR [--data DIR]`: the whole traveller flow, non-interactively, through
 * the same services as the gateway, on the embedded store. Writes
 *   DIR/certificate.json   holder, codes (ithc, dcc), issuedAt, expiresAt
 *   DIR/trustlist.json     our signing certificates in the EU DSC-list shape (+ the CSCA)
 *   DIR/qr-ithc.png        the comprehensive code as a QR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishDscList } from '../server/trust/dsc-list';
import { dataDir, demoTravellerFlow, openLocalApp, seedDemo } from './local';
import { qrPng } from './qr-image';

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
    const certificate = {
      id: view.id,
      holder,
      codes: { ithc: view.codes.ithc, dcc: view.codes.dcc.map((d) => d.code) },
      dcc: view.codes.dcc,
      issuedAt: new Date(view.issuedAt).toISOString(),
      expiresAt: new Date(view.expiresAt).toISOString(),
      status: view.status,
    };
    writeFileSync(join(dir, 'certificate.json'), JSON.stringify(certificate, null, 2) + '\n');
    writeFileSync(join(dir, 'trustlist.json'), JSON.stringify(await publishDscList(app.keys, app.config.country, app.clock.now()), null, 2) + '\n');
    writeFileSync(join(dir, 'qr-ithc.png'), qrPng(view.codes.ithc, { scale: 6 }));
    process.stdout.write(`wrote certificate.json, trustlist.json and qr-ithc.png to ${dir}\n`);
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
