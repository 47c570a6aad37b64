/** @jest-environment jsdom */
/**
 * Page previews: renders every page with demo data from the real server, in Chinese and
 * English and in care mode, into .preview/html/*.html for scripts/preview.mjs to screenshot.
 * Run by `npm run preview` (not by `npm test`: its name does not end in .test.ts). For people to
 * look at, not pass/fail.
 */
import '../bundles';
import fs from 'node:fs';
import path from 'node:path';
import { FIXED_NOW, TRUST_ANCHORS_MODULE, pinServerCsca, serverRequest, startServer, type ServerFixture } from '../server-fixture';
import { createEnv, type Env } from '../mp-env';
import type { SimulateNode } from '../simulate-page';
import { snapshotHtml } from './snapshot';
import { SCENARIOS } from './scenarios';

const OUT = path.resolve(__dirname, '../../../.preview/html');
const only = (process.env.ITHC_PREVIEW_ONLY ?? '').split(',').filter(Boolean);

let server: ServerFixture;
/** The verify page trusts the CSCA its build pinned: here the preview server's. */
let anchors: string;
beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  server = await startServer('preview-traveller');
  anchors = await pinServerCsca(server);
});
afterAll(async () => server?.close());

const VARIANTS = [
  { suffix: 'zh', stored: { 'ithc.lang': 'zh' } },
  { suffix: 'en', stored: { 'ithc.lang': 'en' } },
  { suffix: 'zh-care', stored: { 'ithc.lang': 'zh', 'ithc.care': true } },
  { suffix: 'en-care', stored: { 'ithc.lang': 'en', 'ithc.care': true } },
];

for (const scenario of SCENARIOS) {
  for (const variant of VARIANTS) {
    const name = `${scenario.name}-${variant.suffix}`;
    const run = only.length && !only.some((o) => name.startsWith(o)) ? test.skip : test;
    run(name, async () => {
      jest.resetModules();
      jest.doMock(TRUST_ANCHORS_MODULE, () => jest.requireActual(anchors));
      jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 2 * 3_600_000);
      const routed = serverRequest(server.app, scenario.openid?.(server) ?? server.openid);
      const stored = { ...variant.stored, ...(await scenario.stored?.(server)) };
      const env: Env = createEnv({ stored, request: routed.request, wx: scenario.wx?.(server) });
      if (scenario.offline) routed.offline();
      const page: SimulateNode = await env.open(scenario.page, scenario.query ?? {});
      await scenario.act?.(page, env, server);
      await env.settle();
      fs.writeFileSync(path.join(OUT, `${name}.html`), snapshotHtml(page, env.canvases, name));
      jest.restoreAllMocks();
    });
  }
}
