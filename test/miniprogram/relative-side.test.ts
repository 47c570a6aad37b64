/** @jest-environment jsdom */
/**
 * The relative's own screens on the relatives page, against the real server: who acts for me, the
 * log of every proxy action on my data (20 at a time, "加载更多" for the next page, filled here by
 * real reads through the proxies' accounts), and ending a proxy after a confirmation.
 */
import './bundles';
import { addRelative, FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { format } from '../../miniprogram/i18n/index';
import { beijingDate, formatDate } from '../../miniprogram/services/format';
import { call } from '../../node/local';
import { demoTravellerFlow } from '../../demo/seed';
import { DEMO_CITIZENS } from '../../demo/citizens';

const READS = 23;
let server: ServerFixture;
/** 李娜 and 刘洋 each act for the demo traveller 张伟 (server.openid). */
const proxies = [
  { openid: 'side-proxy-li', citizen: 1, relationship: 'spouse', id: '' },
  { openid: 'side-proxy-liu', citizen: 4, relationship: 'child', id: '' },
];

beforeAll(async () => {
  server = await startServer('side-traveller');
  for (const p of proxies) {
    // A minute apart: the list of who acts for 张伟 is in the order they began.
    server.clock.advance(60_000);
    await demoTravellerFlow(server.app, p.openid, p.citizen);
    p.id = (await addRelative(server, 0, p.relationship, p.openid)).id;
  }
  // Real proxy reads, a second apart: each is an entry in 张伟's log.
  for (let i = 0; i < READS; i++) {
    server.clock.advance(1000);
    const r = await call(server.app, 'certificate', proxies[0].openid, { action: 'get', for: proxies[0].id });
    if (!r.ok) throw new Error(r.error.code);
  }
}, 120_000);
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW + 3_600_000);

const texts = (page: SimulateNode, sel: string) => page.querySelectorAll(sel).map((n) => textOf(n.toJSON()).trim());

/** The whole log as the server holds it for `openid`, newest first. */
async function fullLog(openid = server.openid) {
  const r = await call(server.app, 'relatives', openid, { action: 'auditLog', limit: 200 });
  if (!r.ok) throw new Error(r.error.code);
  return (r.data as { entries: Array<{ action: string; proxyName: string; by: string; at: number }> }).entries;
}

async function relativesPage(wx: Record<string, jest.Mock> = {}) {
  const routed = serverRequest(server.app, server.openid);
  const env = createEnv({ request: routed.request, wx });
  const page = await env.open('pages/relatives/index');
  await page.instance.onShow();
  await env.settle();
  return { env, page, routed };
}

test('who acts for me: each proxy with relationship and date', async () => {
  const { page } = await relativesPage();
  const held = await call(server.app, 'relatives', server.openid, { action: 'proxies' });
  if (!held.ok) throw new Error(held.error.code);
  const since = (held.data as Array<{ id: string; since: number }>).map((p) => p.since);
  const relationships = [zh.relSpouse, zh.relChild];
  expect(texts(page, '.proxy-text')).toEqual(
    proxies.map((p, i) =>
      format(zh.proxyLine, { name: DEMO_CITIZENS[p.citizen].name, relationship: relationships[i], date: formatDate('zh', beijingDate(since[i])) }),
    ),
  );
  expect(page.querySelectorAll('.end-proxy').map((n) => n.toJSON().attrs.find((a) => a.name === 'ariaLabel')?.value)).toEqual(
    proxies.map((p) => format(zh.proxyEndLabel, { name: DEMO_CITIZENS[p.citizen].name })),
  );
});

test('the log, 20 at a time: 加载更多 adds the next page until every entry is shown, newest first', async () => {
  const all = await fullLog();
  expect(all.length).toBeGreaterThan(20);
  const { env, page, routed } = await relativesPage();
  expect(routed.calls.find((c) => c.data.action === 'auditLog')!.data).toEqual({ action: 'auditLog', limit: 20 });
  expect(page.querySelectorAll('.audit-line')).toHaveLength(20);
  expect(texts(page, '.audit-more')).toEqual([zh.auditMore]);
  // The newest entry first: the last read by 李娜.
  expect(texts(page, '.audit-line')[0]).toContain(DEMO_CITIZENS[1].name);
  expect(texts(page, '.audit-line')[0]).toContain(zh.actCertificateGet);
  // Times to the second (entries made within one minute stay apart), in Beijing time.
  const newest = new Date(all[0].at + 8 * 3_600_000).toISOString().slice(11, 19);
  expect(texts(page, '.audit-line')[0]).toContain(`${newest}（${zh.beijingTime}）`);

  let pages = 1;
  while (page.querySelectorAll('.audit-more').length) {
    await tapOn(env, page, '.audit-more');
    pages++;
    expect(page.querySelectorAll('.audit-line')).toHaveLength(Math.min(20 * pages, all.length));
  }
  expect(pages).toBe(Math.ceil(all.length / 20));
  const shown = texts(page, '.audit-line');
  expect(shown).toHaveLength(all.length);
  // Every entry once, in the server's order (each read a second apart, so their times differ).
  const reads = all.filter((e) => e.action === 'certificate.get');
  expect(reads).toHaveLength(READS);
  expect(shown.filter((l) => l.includes(zh.actCertificateGet))).toHaveLength(READS);
  // Every entry exactly once, in the server's order: the lines of the whole log read at once.
  const { auditLines } = require('../../miniprogram/services/relatives') as typeof import('../../miniprogram/services/relatives');
  expect(shown).toEqual(auditLines('zh', zh, all as Parameters<typeof auditLines>[2]).map((l) => l.text));
  const cursors = routed.calls.filter((c) => c.data.action === 'auditLog').map((c) => c.data.cursor);
  expect(cursors[0]).toBeUndefined();
  expect(new Set(cursors.slice(1)).size).toBe(pages - 1);
});

test('ending a proxy: cancelled at the confirmation nothing ends; confirmed it ends on the server and in the log', async () => {
  const [li] = proxies;
  const liName = DEMO_CITIZENS[li.citizen].name;
  const answers = [false, true];
  const showModal = jest.fn((o: { success: (r: unknown) => void }) => {
    const confirm = answers.shift();
    setTimeout(() => o.success({ confirm, cancel: !confirm }), 0);
  });
  const { env, page, routed } = await relativesPage({ showModal });
  const index = page.data.proxies.findIndex((p: { id: string }) => p.id === li.id);

  await tapOn(env, page, '.end-proxy', index);
  expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: zh.proxyEnd, content: format(zh.proxyEndConfirm, { name: liName }) }));
  expect(routed.calls.some((c) => c.data.action === 'endProxy')).toBe(false);
  expect(page.querySelectorAll('.proxy')).toHaveLength(2);

  // A second after the last read (entries of the same instant have no order between them).
  server.clock.advance(1000);
  await tapOn(env, page, '.end-proxy', index);
  expect(routed.calls.filter((c) => c.data.action === 'endProxy').map((c) => c.data)).toEqual([{ action: 'endProxy', id: li.id }]);
  expect(env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: zh.proxyEnded }));
  // The page shows what the server now says.
  expect(texts(page, '.proxy-text')).toHaveLength(1);
  expect(texts(page, '.proxy-text')[0]).not.toContain(liName);
  expect(texts(page, '.audit-line')[0]).toContain(zh.actRelativesEndProxy);

  // On the server: 李娜 no longer acts for 张伟, and cannot read his certificate.
  const still = await call(server.app, 'relatives', server.openid, { action: 'proxies' });
  expect(still.ok && (still.data as Array<{ id: string }>).map((p) => p.id)).toEqual([proxies[1].id]);
  const read = await call(server.app, 'certificate', li.openid, { action: 'get', for: li.id });
  expect(read.ok).toBe(false);
  expect((await fullLog())[0]).toEqual(expect.objectContaining({ action: 'relatives.endProxy', by: 'relative', proxyName: liName }));
});
