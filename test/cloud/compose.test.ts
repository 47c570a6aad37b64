/**
 * The cloud functions' own compositions (server/cloud/compose/): each builds only what its actions
 * use, and must still be the function the contract describes — the same actions, inputs and rights
 * as the whole app's definitions (docs/functions.md) — and work on the CloudBase store (here its
 * in-memory stand-in; wx-server-sdk itself is never loaded). The certificate function's PDF
 * renderer is the bundle beside its index.js (cloudfunctions/certificate/pdf.js), loaded on use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../server/app';
import { systemClock } from '../../server/clock';
import { composeAdmin } from '../../server/cloud/compose/admin';
import { composeCertificate, pdfRendererBeside } from '../../server/cloud/compose/certificate';
import { composeDocument } from '../../server/cloud/compose/document';
import { composeIdentity } from '../../server/cloud/compose/identity';
import { composeIngest } from '../../server/cloud/compose/ingest';
import { composePartners } from '../../server/cloud/compose/partners';
import { composeRelatives } from '../../server/cloud/compose/relatives';
import { composeTrustlist } from '../../server/cloud/compose/trustlist';
import type { CloudBase, Compose } from '../../server/cloud/entry';
import { seedDocumentRegistry } from '../../demo/documents';
import { DEMO_CITIZENS, seedCitizens } from '../../demo/citizens';
import { functionsFor } from '../../server/functions/definitions';
import { dispatch, type FunctionDef } from '../../server/functions/router';
import type { CloudStorageSdk } from '../../server/pdf/storage';
import { seedRecords } from '../../demo/records';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { BUNDLES, ensureBuilt } from '../e2e/helpers';
import { envSecrets, kekEnvironment, offlineCsca, provisionKeys } from './operator';

const COMPOSE: Record<string, Compose> = {
  identity: composeIdentity,
  document: composeDocument,
  certificate: composeCertificate,
  relatives: composeRelatives,
  partners: composePartners,
  trustlist: composeTrustlist,
  admin: composeAdmin,
  ingest: composeIngest,
};

const uploads: Array<{ cloudPath: string; bytes: number }> = [];
const sdk: CloudStorageSdk = {
  async uploadFile({ cloudPath, fileContent }) {
    uploads.push({ cloudPath, bytes: fileContent.length });
    return { fileID: `cloud://test/${cloudPath}` };
  },
  async getTempFileURL({ fileList }) {
    return {
      fileList: fileList.map((f) => ({ fileID: typeof f === 'string' ? f : f.fileID, tempFileURL: 'https://example.invalid/tmp', status: 0, errMsg: 'ok' })),
    };
  },
};

let base: CloudBase;
let app: App;

beforeAll(async () => {
  const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  // As production wires it: read-only environment secrets holding only the KEK.
  const env = kekEnvironment();
  const secrets = envSecrets(env);
  base = { store, secrets, clock: systemClock, env, sdk, operators: ['cloud-operator'] };
  // The whole app over the same store and secrets: identity and documents through the local
  // stand-ins (the compositions use WeChat's, which cannot be reached here).
  app = await createApp({ store, secrets, clock: systemClock, config: { operators: ['cloud-operator'] } });
  // The keys as an operator provisions them: the offline CSCA certifies what the admin function requests.
  await provisionKeys((await composeAdmin(base)).def!, 'cloud-operator', offlineCsca());
  await seedCitizens(store);
  await seedDocumentRegistry(store);
  await seedRecords(
    store,
    DEMO_CITIZENS.map((c) => app.personIds.personId(c.idNumber)),
    systemClock,
  );
}, 60_000);

/** An action table without its handlers: what the contract fixes. */
function contract(def: FunctionDef | undefined) {
  return Object.fromEntries(
    Object.entries(def?.actions ?? {}).map(([name, a]) => [
      name,
      { input: a.input ?? null, operator: !!a.operator, public: !!a.public, shape: a.shape ?? null },
    ]),
  );
}

test.each(Object.keys(COMPOSE))('the %s function composed alone has the same actions, inputs and rights as in the whole app', async (name) => {
  const composed = await COMPOSE[name](base);
  const whole = functionsFor(app).find((f) => f.name === name);
  // ingest is reached over HTTP only: no actions, one route.
  expect(contract(composed.def)).toEqual(contract(whole));
  if (name === 'ingest' || name === 'trustlist') expect(composed.routes.length).toBe(1);
});

test('every function of the whole app has a composition of its own', () => {
  expect(
    functionsFor(app)
      .map((f) => f.name)
      .filter((n) => !(n in COMPOSE)),
  ).toEqual([]);
});

test('the certificate function, composed alone on the CloudBase store, issues and renders the paper version from its own PDF bundle', async () => {
  await ensureBuilt();
  const openid = 'cloud-compose-traveller';
  const local = (fn: string, event: Record<string, unknown>) =>
    dispatch(
      functionsFor(app).find((f) => f.name === fn)!,
      event,
      { openid, operator: false },
    );
  const c = DEMO_CITIZENS[0];
  const session = await local('identity', { action: 'beginFaceCheck', name: c.name, idNumber: c.idNumber });
  if (!session.ok) throw new Error(JSON.stringify(session.error));
  expect(
    (await local('identity', { action: 'verify', name: c.name, idNumber: c.idNumber, faceToken: (session.data as { faceToken: string }).faceToken })).ok,
  ).toBe(true);
  const { DEMO_DOCUMENTS } = await import('../../demo/documents');
  const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid')!;
  expect((await local('document', { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, mrz: d.mrz })).ok).toBe(true);

  const { def } = await composeCertificate(base);
  const issued = await dispatch(def!, { action: 'issue' }, { openid, operator: false });
  expect(issued.ok && (issued.data as { codes: { ithc: string } }).codes.ithc).toMatch(/^ITHC1:/);
  // Its pdf action renders through pdf.js beside the function's index.js.
  const render = pdfRendererBeside(join(BUNDLES.certificatePdf, '..'));
  const pdf = await render(
    {
      ithc: (issued as { data: { codes: { ithc: string; dcc: never[] } } }).data.codes.ithc,
      dcc: (issued as { data: { codes: { dcc: never[] } } }).data.codes.dcc,
      links: { trustList: 'https://example.invalid/trustlist', webVerifier: 'https://example.invalid/verify/' },
      printedAt: Date.now(),
      lang: 'zh',
    },
    openid,
  );
  expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
}, 120_000);

test('the PDF bundle leaves out Brotli (WOFF2 only): a WOFF2 font would get a plain error, TrueType renders as above', () => {
  const bundle = readFileSync(BUNDLES.certificatePdf, 'utf8');
  expect(bundle).toContain('WOFF2 fonts are not supported by the certificate PDF bundle');
  const stand = require('../../server/pdf/no-woff2.cjs') as () => never;
  expect(() => stand()).toThrow(/give it a TrueType \(\.ttf\) font/);
});
