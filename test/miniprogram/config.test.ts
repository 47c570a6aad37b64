/**
 * miniprogram/config.ts: the build WeChat runs (develop / trial / release) picks the backend, and
 * no trial or release build can reach a loopback or plain-http address.
 */
import {
  BUILD_CONFIGS,
  BuildConfigError,
  checkBuildConfig,
  configFor,
  currentEnvVersion,
  isLocalOnlyUrl,
  REQUEST_TIMEOUT_BOUNDS,
  type AppConfig,
  type EnvVersion,
} from '../../miniprogram/config';

const info = (envVersion: unknown) => () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion, version: '' } });

describe('the shipped table', () => {
  test.each(['trial', 'release'] as const)('%s uses cloud mode and names no local-only address', (v) => {
    const c = configFor(v);
    expect(c.mode).toBe('cloud');
    expect(c.localCaller).toBe('');
    expect(c.gatewayUrl === '' || !isLocalOnlyUrl(c.gatewayUrl)).toBe(true);
    expect(JSON.stringify(c)).not.toMatch(/127\.0\.0\.1|localhost|http:/);
  });

  test('develop may use the local gateway', () => {
    expect(configFor('develop')).toEqual(expect.objectContaining({ mode: 'local', gatewayUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) }));
  });
});

describe('which build this is', () => {
  test.each([
    ['develop', 'develop'],
    ['trial', 'trial'],
    ['release', 'release'],
    ['Release', 'release'],
    ['', 'release'],
    [undefined, 'release'],
    [42, 'release'],
  ])('envVersion %p is %s', (given, expected) => {
    expect(currentEnvVersion(info(given))).toBe(expected);
  });

  test('no getAccountInfoSync, or one that throws, is a release build', () => {
    expect(currentEnvVersion(undefined)).toBe('release');
    expect(
      currentEnvVersion(() => {
        throw new Error('not supported');
      }),
    ).toBe('release');
  });
});

describe('a table that would let a release build reach localhost is refused', () => {
  const local = BUILD_CONFIGS.develop;
  const withBuild = (v: EnvVersion, c: Partial<AppConfig>) => ({ ...BUILD_CONFIGS, [v]: { ...BUILD_CONFIGS[v], ...c } });

  test.each(['trial', 'release'] as const)('%s in local mode', (v) => {
    expect(() => checkBuildConfig(withBuild(v, { mode: 'local', gatewayUrl: local.gatewayUrl }))).toThrow(BuildConfigError);
    expect(() => configFor('develop', withBuild(v, { mode: 'local', gatewayUrl: local.gatewayUrl }))).toThrow(/must use cloud mode/);
  });

  test.each([
    'http://127.0.0.1:8787',
    'https://127.0.0.1',
    'https://localhost:8443',
    'https://[::1]:8787',
    'http://gateway.example.org',
    'https://dev.localhost',
    'https://0.0.0.0',
    'not a url',
  ])('release naming %s', (url) => {
    expect(() => checkBuildConfig(withBuild('release', { gatewayUrl: url }))).toThrow(/local-only address/);
  });

  test('a release build carrying a local caller', () => {
    expect(() => checkBuildConfig(withBuild('release', { localCaller: 'local-operator' }))).toThrow(BuildConfigError);
  });

  test.each(['develop', 'trial', 'release'] as const)('%s without a usable request timeout (none would leave a call hanging at a gate)', (v) => {
    for (const ms of [
      0,
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1.5,
      REQUEST_TIMEOUT_BOUNDS.min - 1,
      REQUEST_TIMEOUT_BOUNDS.max + 1,
      undefined as unknown as number,
    ]) {
      expect(() => checkBuildConfig(withBuild(v, { requestTimeoutMs: ms }))).toThrow(/request timeout/);
    }
    expect(() => checkBuildConfig(withBuild(v, { requestTimeoutMs: REQUEST_TIMEOUT_BOUNDS.min }))).not.toThrow();
  });

  test('https to a public host is allowed', () => {
    expect(() => checkBuildConfig(withBuild('release', { gatewayUrl: 'https://ithc.example.org' }))).not.toThrow();
  });
});

describe('the app client in a release build', () => {
  afterEach(() => {
    delete (globalThis as { wx?: unknown }).wx;
  });

  test('calls wx.cloud.callFunction and never wx.request', async () => {
    const request = jest.fn();
    const callFunction = jest.fn(async () => ({ result: { ok: true, data: 'cloud' } }));
    const init = jest.fn();
    (globalThis as { wx?: unknown }).wx = { request, cloud: { init, callFunction }, getAccountInfoSync: info('release') };
    await jest.isolateModulesAsync(async () => {
      const cloud = await import('../../miniprogram/services/cloud');
      await expect(cloud.callFunction('certificate', { action: 'get' })).resolves.toEqual({ ok: true, data: 'cloud' });
    });
    expect(request).not.toHaveBeenCalled();
    expect(init).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'certificate', data: { action: 'get' } });
  });
});
