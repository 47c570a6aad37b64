/**
 * services/cloud.ts: the envelope contract over the local gateway (wx.request) and over
 * wx.cloud.callFunction, with `wx` mocked. No network: every answer is scripted here.
 */
import { createCloudClient, callFunction, LOCAL_CALLER_HEADER, TRANSPORT_ERROR_CODES, type WxTransport } from '../../miniprogram/services/cloud';
import { BUILD_CONFIGS, type AppConfig } from '../../miniprogram/config';

const LOCAL: AppConfig = { ...BUILD_CONFIGS.develop, mode: 'local', gatewayUrl: 'http://127.0.0.1:9999', localCaller: 'caller-a', requestTimeoutMs: 1234 };
const CLOUD: AppConfig = { ...LOCAL, mode: 'cloud', cloudEnv: 'ithc-test-env' };

type RequestOptions = WechatMiniprogram.RequestOption;
type Answer = { statusCode: number; data: unknown } | { failMsg: string };

/** A wx.request stand-in that answers asynchronously with `answer` and records what it was asked. */
function scriptedRequest(answer: Answer) {
  const calls: RequestOptions[] = [];
  const request = jest.fn((options: RequestOptions) => {
    calls.push(options);
    setTimeout(() => {
      if ('failMsg' in answer) options.fail?.({ errMsg: answer.failMsg, errno: 600001 } as WechatMiniprogram.RequestFailCallbackErr);
      else
        options.success?.({
          statusCode: answer.statusCode,
          data: answer.data,
          header: {},
          errMsg: 'request:ok',
        } as unknown as WechatMiniprogram.RequestSuccessCallbackResult);
    }, 0);
    return {} as WechatMiniprogram.RequestTask;
  });
  return { calls, wx: { request: request as unknown as WxTransport['request'] } };
}

function localClient(answer: Answer) {
  const scripted = scriptedRequest(answer);
  return { calls: scripted.calls, client: createCloudClient(LOCAL, () => scripted.wx) };
}

describe('local mode (the gateway of npm start, through wx.request)', () => {
  test('posts the data as JSON to the function URL, as the configured local caller', async () => {
    const { client, calls } = localClient({ statusCode: 200, data: { ok: true, data: { n: 1 } } });
    await client.callFunction('issueCertificate', { personId: 'p1' });
    expect(calls).toHaveLength(1);
    const sent = calls[0];
    expect(sent.url).toBe(`${LOCAL.gatewayUrl}/functions/issueCertificate`);
    expect(sent.method).toBe('POST');
    expect(sent.data).toEqual({ personId: 'p1' });
    expect(sent.header).toEqual(expect.objectContaining({ 'content-type': 'application/json', [LOCAL_CALLER_HEADER]: LOCAL.localCaller }));
    expect(sent.timeout).toBe(LOCAL.requestTimeoutMs);
  });

  test('a success envelope gives its data', async () => {
    const data = { certificateId: 'c-1', codes: ['HC1:X'] };
    const { client } = localClient({ statusCode: 200, data: { ok: true, data } });
    await expect(client.callFunction<typeof data>('x', {})).resolves.toEqual({ ok: true, data });
  });

  test('a function error keeps its code, message, message code and params, fields, retry time and HTTP status', async () => {
    const error = {
      code: 'ID_NUMBER_INVALID',
      message: 'check digit',
      messageCode: 'server.idNumberInvalid',
      params: { n: 3, name: 'x' },
      fields: { idNumber: 'check digit does not match' },
      retryAfter: 30,
    };
    const { client } = localClient({ statusCode: 400, data: { ok: false, error } });
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: { ...error, source: 'function', status: 400 } });
  });

  test('an HTTP error without an envelope is HTTP_STATUS', async () => {
    const { client } = localClient({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    await expect(client.callFunction('x')).resolves.toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'HTTP_STATUS', source: 'transport', status: 502 }),
    });
  });

  test.each([
    ['a string', 'hello'],
    ['null', null],
    ['ok without data', { ok: true }],
    ['an error without a code', { ok: false, error: { message: 'x' } }],
    ['a lower-case error code', { ok: false, error: { code: 'not_a_code', message: 'x' } }],
    ['an over-long error code', { ok: false, error: { code: 'A'.repeat(65), message: 'x' } }],
    ['an array', [{ ok: true, data: 1 }]],
  ])('an answer that is not an envelope (%s) is BAD_RESPONSE', async (_name, body) => {
    const { client } = localClient({ statusCode: 200, data: body });
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_RESPONSE', source: 'transport' }) });
  });

  test('a success envelope under an HTTP error status is not trusted', async () => {
    const { client } = localClient({ statusCode: 500, data: { ok: true, data: 1 } });
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_RESPONSE', status: 500 }) });
  });

  test('what an answer can put in front of the user is bounded', async () => {
    const fields = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'y'.repeat(2000)]));
    const { client } = localClient({
      statusCode: 422,
      data: { ok: false, error: { code: 'NO_RECORDS', message: 'x'.repeat(10_000), fields, retryAfter: -5 } },
    });
    const result = await client.callFunction('x');
    if (result.ok) throw new Error('expected a failure');
    expect(result.error.code).toBe('NO_RECORDS');
    expect(result.error.message.length).toBeLessThanOrEqual(500);
    expect(Object.keys(result.error.fields!).length).toBeLessThanOrEqual(32);
    for (const value of Object.values(result.error.fields!)) expect(value.length).toBeLessThanOrEqual(500);
    expect(result.error).not.toHaveProperty('retryAfter');
  });

  test('a message code and params are taken only in their shape, and bounded', async () => {
    const params = {
      ok: 'y'.repeat(2000),
      n: 2,
      nested: { a: 1 },
      nan: Number.NaN,
      'bad name': 'z',
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, i])),
    };
    const { client } = localClient({
      statusCode: 400,
      data: { ok: false, error: { code: 'BAD_REQUEST', message: 'x', messageCode: 'server.badRequest', params } },
    });
    const result = await client.callFunction('x');
    if (result.ok) throw new Error('expected a failure');
    expect(result.error.messageCode).toBe('server.badRequest');
    const kept = result.error.params!;
    expect(Object.keys(kept).length).toBeLessThanOrEqual(8);
    expect((kept.ok as string).length).toBeLessThanOrEqual(500);
    expect(kept.n).toBe(2);
    for (const dropped of ['nested', 'nan', 'bad name']) expect(kept).not.toHaveProperty(dropped);
    for (const messageCode of ['Server.x', 'server', 'server.a b', `server.${'a'.repeat(80)}`, 42]) {
      const other = localClient({ statusCode: 400, data: { ok: false, error: { code: 'BAD_REQUEST', message: 'x', messageCode, params: { n: 1 } } } });
      const r = await other.client.callFunction('x');
      if (r.ok) throw new Error('expected a failure');
      expect({ messageCode, kept: r.error.messageCode, params: r.error.params }).toEqual({ messageCode, kept: undefined, params: undefined });
    }
  });

  test("a request that fails (offline, timeout) is NETWORK with WeChat's message", async () => {
    const { client } = localClient({ failMsg: 'request:fail timeout' });
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: { code: 'NETWORK', source: 'transport', message: 'request:fail timeout' } });
  });

  test('misuse by the calling code throws before anything is sent', async () => {
    const { client, calls } = localClient({ statusCode: 200, data: { ok: true, data: 1 } });
    await expect(client.callFunction('../admin')).rejects.toThrow(TypeError);
    await expect(client.callFunction('')).rejects.toThrow(TypeError);
    await expect(client.callFunction('x', [] as unknown as Record<string, unknown>)).rejects.toThrow(TypeError);
    await expect(client.callFunction('x', null as unknown as Record<string, unknown>)).rejects.toThrow(TypeError);
    expect(calls).toHaveLength(0);
  });
});

describe('cloud mode (wx.cloud.callFunction)', () => {
  function cloudWx(callFunction: jest.Mock) {
    const init = jest.fn();
    const wx = { request: jest.fn() as unknown as WxTransport['request'], cloud: { init, callFunction } as unknown as WxTransport['cloud'] };
    return { init, wx };
  }

  test('initialises the configured environment once and passes name and data through', async () => {
    const callFunction = jest.fn(async () => ({ result: { ok: true, data: 'pong' }, errMsg: 'cloud.callFunction:ok', requestID: 'r' }));
    const { init, wx } = cloudWx(callFunction);
    const client = createCloudClient(CLOUD, () => wx);
    await expect(client.callFunction('ping', { a: 1 })).resolves.toEqual({ ok: true, data: 'pong' });
    await client.callFunction('ping', { a: 2 });
    expect(init).toHaveBeenCalledTimes(1);
    expect(init).toHaveBeenCalledWith(expect.objectContaining({ env: CLOUD.cloudEnv }));
    expect(callFunction.mock.calls).toEqual([[{ name: 'ping', data: { a: 1 } }], [{ name: 'ping', data: { a: 2 } }]]);
    expect(wx.request).not.toHaveBeenCalled();
  });

  test("a function error comes back as the function's code, without an HTTP status", async () => {
    const callFunction = jest.fn(async () => ({ result: { ok: false, error: { code: 'FORBIDDEN', message: 'not yours' } } }));
    const client = createCloudClient(CLOUD, () => cloudWx(callFunction).wx);
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: { code: 'FORBIDDEN', source: 'function', message: 'not yours' } });
  });

  test('a failed call (the function crashed, no network) is NETWORK', async () => {
    const callFunction = jest.fn(async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- wx.cloud.callFunction rejects with a plain {errCode, errMsg}
      throw { errCode: -504002, errMsg: 'cloud.callFunction:fail -504002 functions execute fail' };
    });
    const client = createCloudClient(CLOUD, () => cloudWx(callFunction).wx);
    await expect(client.callFunction('x')).resolves.toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'NETWORK', message: expect.stringContaining('-504002') }),
    });
  });

  describe('a call that never answers (a weak signal at a gate)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    test('is given up after the configured timeout as NETWORK, so a saved copy can stand in', async () => {
      const callFunction = jest.fn(() => new Promise(() => undefined));
      const client = createCloudClient(CLOUD, () => cloudWx(callFunction).wx);
      let settled: unknown;
      const pending = client.callFunction('certificate', { action: 'issue' }).then((r) => (settled = r));
      await jest.advanceTimersByTimeAsync(CLOUD.requestTimeoutMs - 1);
      expect(settled).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      expect(settled).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'NETWORK', source: 'transport', message: expect.stringContaining('timeout') }),
      });
    });

    test('an answer in time wins, and leaves no timer behind', async () => {
      const callFunction = jest.fn(async () => ({ result: { ok: true, data: 1 } }));
      const client = createCloudClient(CLOUD, () => cloudWx(callFunction).wx);
      await expect(client.callFunction('x')).resolves.toEqual({ ok: true, data: 1 });
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  test('without wx.cloud (no cloud development on this AppID) it is CLOUD_UNAVAILABLE', async () => {
    const client = createCloudClient(CLOUD, () => ({ request: jest.fn() }));
    await expect(client.callFunction('x')).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'CLOUD_UNAVAILABLE' }) });
  });
});

describe("the app's default client", () => {
  afterEach(() => {
    delete (globalThis as { wx?: unknown }).wx;
  });

  test('a develop build (DevTools) uses the develop table and the global wx, looked up at call time', async () => {
    const scripted = scriptedRequest({ statusCode: 200, data: { ok: true, data: 7 } });
    (globalThis as { wx?: unknown }).wx = { ...scripted.wx, getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop' } }) };
    await expect(callFunction('x', { q: 1 })).resolves.toEqual({ ok: true, data: 7 });
    expect(scripted.calls[0].url).toBe(`${BUILD_CONFIGS.develop.gatewayUrl}/functions/x`);
  });
});

test('transport error codes are distinct from each other', () => {
  expect(new Set(TRANSPORT_ERROR_CODES).size).toBe(TRANSPORT_ERROR_CODES.length);
});
