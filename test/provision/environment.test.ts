/**
 * The functions' environment (server/provision/environment.ts): what each function needs, what a
 * well-formed value is, and reports that name the variable and never its value. And the built
 * cloud bundles: nothing they serve or print names a loopback address or `npx ithc`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newKekText } from '../../server/keys/vault';
import { checkEnvironment, EnvironmentError, FUNCTION_VARIABLES, requireEnvironment, requirePublicBaseUrl } from '../../server/provision/environment';
import { ROOT } from '../support/build';
import { FUNCTIONS, ensureFunctionsBuilt } from '../cloud/deployment/harness';

const KEK = newKekText();
const GOOD = {
  ITHC_SECRET_KEK: KEK,
  ITHC_PUBLIC_BASE_URL: 'https://ithc.example.gov.cn',
  ITHC_OPERATORS: 'o-op-1,o-op-2',
  ITHC_WECHAT_APPID: 'wx0123456789abcdef',
  ITHC_SECRET_WECHAT_APPSECRET: '0123456789abcdef0123456789abcdef',
};

test('a complete environment passes for every function; each function checks only its own variables', () => {
  for (const fn of FUNCTIONS) {
    const r = checkEnvironment(GOOD, fn);
    expect([fn, r.ok]).toEqual([fn, true]);
    expect(r.variables.map((v) => v.name)).toEqual(FUNCTION_VARIABLES[fn]);
  }
  // The document function reads no key: it starts without the KEK.
  expect(checkEnvironment({ ITHC_PUBLIC_BASE_URL: GOOD.ITHC_PUBLIC_BASE_URL }, 'document').ok).toBe(true);
  expect(checkEnvironment({ ITHC_PUBLIC_BASE_URL: GOOD.ITHC_PUBLIC_BASE_URL }, 'trustlist').ok).toBe(false);
});

test('each missing or malformed variable is named with what is wrong, never with its value', () => {
  const bad = {
    ...GOOD,
    ITHC_SECRET_KEK: 'c2hvcnQ=',
    ITHC_SECRET_KEK_PREVIOUS: KEK,
    ITHC_OPERATORS: 'o-op-1,has space',
    ITHC_OPERATOR_KEYS: 'bm90IGEga2V5',
    ITHC_KEY_PREPUBLICATION_DAYS: '365',
    ITHC_WECHAT_APPID: 'touristappid',
    ITHC_SECRET_WECHAT_APPSECRET: '',
  };
  const r = checkEnvironment(bad, 'identity');
  expect(r.ok).toBe(false);
  const problems = Object.fromEntries(r.variables.filter((v) => v.status !== 'ok').map((v) => [v.name, v.status]));
  expect(problems).toEqual({
    ITHC_SECRET_KEK: 'invalid',
    ITHC_OPERATORS: 'invalid',
    ITHC_OPERATOR_KEYS: 'invalid',
    ITHC_WECHAT_APPID: 'invalid',
    ITHC_SECRET_WECHAT_APPSECRET: 'missing',
  });
  expect(checkEnvironment(bad, 'admin').variables.find((v) => v.name === 'ITHC_KEY_PREPUBLICATION_DAYS')?.status).toBe('invalid');
  expect(checkEnvironment({ ...GOOD, ITHC_SECRET_KEK_PREVIOUS: KEK }, 'admin').variables.find((v) => v.name === 'ITHC_SECRET_KEK_PREVIOUS')?.problem).toBe(
    'is the same as ITHC_SECRET_KEK',
  );
  let message = '';
  try {
    requireEnvironment({ ...bad, ITHC_SECRET_KEK: KEK.slice(0, 20) }, 'identity');
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    message = (e as Error).message;
  }
  expect(message).toMatch(/^the identity function cannot start: ITHC_SECRET_KEK .*ITHC_WECHAT_APPID must be a mini program AppID/);
  expect(message).not.toContain(KEK.slice(0, 20));
  expect(message).not.toContain('touristappid');
});

test('the public address: an https origin that is not this machine', () => {
  expect(requirePublicBaseUrl({ ITHC_PUBLIC_BASE_URL: 'https://ithc.example.gov.cn/' })).toBe('https://ithc.example.gov.cn');
  expect(requirePublicBaseUrl({ ITHC_PUBLIC_BASE_URL: ' https://env-1a2b.ap-shanghai.app.tcloudbase.com ' })).toBe(
    'https://env-1a2b.ap-shanghai.app.tcloudbase.com',
  );
  const refused: Array<[string | undefined, RegExp]> = [
    [undefined, /is not set/],
    ['', /is not set/],
    ['ithc.example.gov.cn', /is not a URL/],
    ['http://ithc.example.gov.cn', /https/],
    ['https://127.0.0.1:8787', /loopback/],
    ['https://localhost', /loopback/],
    ['https://ithc.localhost', /loopback/],
    ['https://[::1]', /loopback/],
    ['https://user:pw@ithc.example.gov.cn', /user name or password/],
    ['https://ithc.example.gov.cn/ithc', /without a path/],
    ['https://ithc.example.gov.cn/?a=1', /query/],
  ];
  for (const [value, why] of refused) {
    expect(() => requirePublicBaseUrl(value === undefined ? {} : { ITHC_PUBLIC_BASE_URL: value })).toThrow(
      new RegExp(`ITHC_PUBLIC_BASE_URL.*${why.source}|${why.source}`),
    );
  }
});

test('the built cloud bundles name no loopback address and no command that does not exist, but in the check that refuses them', async () => {
  await ensureFunctionsBuilt();
  const files = [...FUNCTIONS.map((f) => `cloudfunctions/${f}/index.js`), 'cloudfunctions/certificate/pdf.js'];
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    expect([f, text.includes('127.0.0.1'), text.includes('npx ithc'), text.includes('[::1]:')]).toEqual([f, false, false, false]);
    // Every "localhost" is an operand of the loopback check (server/provision/environment.ts), nothing printed or served.
    const uses = [...text.matchAll(/.{0,12}localhost.{0,2}/g)].map((m) => m[0]);
    for (const u of uses) expect([f, u]).toEqual([f, expect.stringMatching(/===\s*"localhost"|endsWith\("\.localhost"\)/)]);
  }
  // The web verifier, served from static hosting: the trust list it offers is its own origin's.
  for (const f of ['dist/web/index.html', 'dist/web/app.js', 'dist/web/sw.js']) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    expect([f, /127\.0\.0\.1|localhost|npx ithc/.test(text)]).toEqual([f, false]);
  }
  expect(readFileSync(join(ROOT, 'dist/web/app.js'), 'utf8')).toContain('/trustlist/signed');
});
