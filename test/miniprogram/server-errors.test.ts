/** @jest-environment jsdom */
/**
 * A server error on a page, against the real server: the sentence its messageCode names in the
 * shared catalogue, in the user's language with the values the server sent; and, for a code this
 * build does not know (a newer server), the server's own bilingual text, the user's half of it.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { format as formatMessage } from '../../core/view';
import { DEFAULT_IDENTITY_LIMITS } from '../../server/identity/service';
import type { Lang } from '../../miniprogram/i18n/index';

const PAGE = 'pages/auth/index';
const MAX_FAILURES = Math.min(DEFAULT_IDENTITY_LIMITS.failuresPerCaller.max, DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller.max);

let server: ServerFixture;
beforeAll(async () => {
  server = await startServer('server-errors-fixture-owner');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW);

const input = (value: string) => ({ detail: { value } });
const text = (page: SimulateNode, sel: string) => textOf(page.querySelector(sel)!.toJSON()).trim();

type Request = ReturnType<typeof serverRequest>['request'];
interface Answer {
  statusCode: number;
  data: { ok: boolean; error?: Record<string, unknown> };
}

/** The real server's request, with each failure's envelope passed through `rewrite` on its way back. */
function rewriting(request: Request, rewrite: (error: Record<string, unknown>) => void): Request {
  const wrapped = jest.fn((options: Parameters<Request>[0]) =>
    request({
      ...options,
      success: (res: Answer) => {
        if (res.data?.ok === false && res.data.error) rewrite(res.data.error);
        (options.success as ((r: Answer) => void) | undefined)?.(res);
      },
    } as Parameters<Request>[0]),
  );
  return Object.assign(wrapped, { idle: (request as unknown as { idle: () => Promise<void> | null }).idle });
}

/** The identity step with a name that does not match the ID number, submitted. */
async function mismatch(openid: string, lang: Lang, rewrite?: (error: Record<string, unknown>) => void) {
  const routed = serverRequest(server.app, openid);
  const env = createEnv({ stored: { 'ithc.lang': lang }, request: rewrite ? rewriting(routed.request, rewrite) : routed.request });
  const page = await env.open(PAGE);
  page.instance.onToggleAgree();
  page.instance.onToggleIdFace();
  page.instance.onToggleHealth();
  page.instance.onAgreeNext();
  expect(page.data.step).toBe('identity');
  page.instance.onNameInput(input(DEMO_CITIZENS[0].name));
  page.instance.onIdInput(input(DEMO_CITIZENS[1].idNumber));
  await page.instance.onSubmitIdentity();
  await env.settle();
  expect(page.data.step).toBe('identity');
  return page;
}

test.each(['zh', 'en'] as const)('in %s: the catalogue sentence the server named, with the attempts it said are left', async (lang) => {
  const page = await mismatch(`server-errors-${lang}`, lang);
  expect(text(page, '.form-error')).toBe(formatMessage(lang, 'server.identityMismatchLeft', { n: MAX_FAILURES - 1 }));
});

test.each(['zh', 'en'] as const)("in %s: a message code this build does not know shows the server's own text in the language asked for", async (lang) => {
  const page = await mismatch(`server-errors-newer-${lang}`, lang, (error) => {
    error.messageCode = 'server.sentenceFromANewerServer';
    error.params = { n: 1 };
    error.message = '来自新版服务器的说明 / an explanation from a newer server';
  });
  expect(text(page, '.form-error')).toBe(lang === 'zh' ? '来自新版服务器的说明' : 'an explanation from a newer server');
});
