/** @jest-environment jsdom */
/**
 * Page previews: renders every page and state of scenarios.ts with demo data from the real server,
 * in Chinese and in English, each also in care mode as WeChat's largest font size turns it on (no
 * care switch stored: the app reads fontSizeSetting), into .preview/html/*.html for
 * scripts/preview.mjs to screenshot. Run by `npm run preview` (not by `npm test`: its name does not
 * end in .test.ts). For people to look at, not pass/fail.
 */
import '../bundles';
import fs from 'node:fs';
import path from 'node:path';
import { FIXED_NOW, TRUST_ANCHORS_MODULE, pinServerCsca, serverRequest, startServer, type ServerFixture } from '../server-fixture';
import { createEnv, type Env } from '../mp-env';
import type { SimulateNode } from '../simulate-page';
import { snapshotHtml } from './snapshot';
import { PREVIEW_OPERATOR, SCENARIOS } from './scenarios';

const OUT = path.resolve(__dirname, '../../../.preview/html');
const only = (process.env.ITHC_PREVIEW_ONLY ?? '').split(',').filter(Boolean);

let server: ServerFixture;
/** The verify page trusts the CSCA its build pinned: here the preview server's. */
let anchors: string;
beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  server = await startServer('preview-traveller', { operators: [PREVIEW_OPERATOR] });
  anchors = await pinServerCsca(server);
});
afterAll(async () => server?.close());

/**
 * The font size WeChat reports at its largest setting stands in as a size well above the care
 * threshold (services/settings.ts CARE_FONT_SIZE): what matters to the pages is that care mode
 * turns itself on.
 */
const LARGEST_FONT = 28;
const fontSize = (size: number) => ({ getAppBaseInfo: jest.fn(() => ({ fontSizeSetting: size, SDKVersion: '3.8.12' })) });
const VARIANTS = [
  { suffix: 'zh', stored: { 'ithc.lang': 'zh' }, wx: fontSize(17) },
  { suffix: 'en', stored: { 'ithc.lang': 'en' }, wx: fontSize(17) },
  { suffix: 'zh-care', stored: { 'ithc.lang': 'zh' }, wx: fontSize(LARGEST_FONT) },
  { suffix: 'en-care', stored: { 'ithc.lang': 'en' }, wx: fontSize(LARGEST_FONT) },
];

for (const scenario of SCENARIOS) {
  for (const variant of VARIANTS) {
    const name = `${scenario.name}-${variant.suffix}`;
    const run = only.length && !only.some((o) => name.startsWith(o)) ? test.skip : test;
    run(name, async () => {
      jest.resetModules();
      jest.doMock(TRUST_ANCHORS_MODULE, () => jest.requireActual(anchors));
      const routed = serverRequest(server.app, (await scenario.openid?.(server)) ?? server.openid);
      const stored = { ...variant.stored, ...(await scenario.stored?.(server)) };
      jest.spyOn(Date, 'now').mockReturnValue((await scenario.now?.(server)) ?? FIXED_NOW + 2 * 3_600_000);
      const env: Env = createEnv({ stored, request: routed.request, wx: { ...variant.wx, ...scenario.wx?.(server) } });
      if (scenario.offline) routed.offline();
      const page: SimulateNode = await env.open(scenario.page, scenario.query ?? {});
      await scenario.act?.(page, env, server, routed);
      await env.settle();
      fs.writeFileSync(path.join(OUT, `${name}.html`), snapshotHtml(page, env.canvases, name));
      jest.restoreAllMocks();
    });
  }
}
