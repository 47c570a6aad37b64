/**
 * The WeChat facial-verification adapter cannot call WeChat here; these tests run it against a
 * fake client to pin the request/response mapping documented in its header.
 */
import { ManualClock } from '../../server/clock';
import { ServiceError } from '../../server/errors';
import { buildResidentId } from '../../demo/citizens';
import {
  GET_VERIFY_ID_PATH,
  QUERY_VERIFY_INFO_PATH,
  WechatFacialProvider,
  certHash,
  type WechatFacePath,
  type WechatOpenApiClient,
} from '../../server/identity/wechat-facial';

class FakeClient implements WechatOpenApiClient {
  calls: { path: WechatFacePath; body: Record<string, unknown> }[] = [];
  constructor(private readonly answer: (path: WechatFacePath, body: Record<string, unknown>) => unknown) {}
  async post(path: WechatFacePath, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.calls.push({ path, body: JSON.parse(JSON.stringify(body)) });
    return this.answer(path, body) as Record<string, unknown>;
  }
}

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const person = { name: '张伟', idNumber: buildResidentId('110105', '1988-05-12', 31) };
const openId = 'oTestOpenId_123';

function provider(answer: ConstructorParameters<typeof FakeClient>[0]) {
  const client = new FakeClient(answer);
  let n = 0;
  const p = new WechatFacialProvider({ client, clock: new ManualClock(T0), newSeqNo: () => `seq_${++n}_abcdef` });
  return { client, p };
}

test('cert_hash follows WeChat’s documented example', () => {
  // queryVerifyInfo documentation: cert_info {"cert_type":"IDENTITY_CARD","cert_name":"张三","cert_no":"310101199801011234"}
  expect(certHash('IDENTITY_CARD', '张三', '310101199801011234')).toBe('3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b');
});

test('beginFaceCheck sends getVerifyId with cert_info and openid, and returns the verify_id with a token carrying out_seq_no', async () => {
  const { client, p } = provider(() => ({ errcode: 0, errmsg: 'ok', verify_id: 'VID-xyz.123', expires_in: 1800 }));
  const s = await p.beginFaceCheck({ openId, person });
  expect(client.calls).toEqual([
    {
      path: GET_VERIFY_ID_PATH,
      body: { out_seq_no: 'seq_1_abcdef', cert_info: { cert_type: 'IDENTITY_CARD', cert_name: '张伟', cert_no: person.idNumber }, openid: openId },
    },
  ]);
  expect(s).toEqual({ verifyId: 'VID-xyz.123', faceToken: 'seq_1_abcdef.VID-xyz.123', expiresAt: T0 + 1800 * 1000 });
});

test('without expires_in the session lasts WeChat’s default hour', async () => {
  const { p } = provider(() => ({ errcode: 0, verify_id: 'V1' }));
  expect((await p.beginFaceCheck({ openId, person })).expiresAt).toBe(T0 + 3600 * 1000);
});

test('confirm sends queryVerifyInfo with the same out_seq_no and openid and the computed cert_hash; 10000 means verified', async () => {
  const { client, p } = provider(() => ({ errcode: 0, errmsg: 'ok', verify_ret: 10000 }));
  const r = await p.confirm({ openId, person, faceToken: 'seq_9_abcdef.VID-xyz.123' });
  expect(r).toEqual({ verified: true });
  expect(client.calls).toEqual([
    {
      path: QUERY_VERIFY_INFO_PATH,
      body: { verify_id: 'VID-xyz.123', out_seq_no: 'seq_9_abcdef', cert_hash: certHash('IDENTITY_CARD', '张伟', person.idNumber), openid: openId },
    },
  ]);
});

test.each([
  [90002, 'FACE_CHECK_CANCELLED'],
  [90006, 'FACE_CHECK_CANCELLED'],
  [90001, 'FACE_CHECK_FAILED'],
  [90011, 'FACE_CHECK_FAILED'],
  [90199, 'FACE_CHECK_FAILED'],
  [undefined, 'FACE_CHECK_FAILED'],
])('verify_ret %s → %s', async (ret, reason) => {
  const { p } = provider(() => ({ errcode: 0, verify_ret: ret }));
  expect(await p.confirm({ openId, person, faceToken: 'seq_1_abcdef.V' })).toEqual({ verified: false, reason });
});

test('an errcode for a session that does not fit this person or caller fails closed', async () => {
  const { p } = provider(() => ({ errcode: 84001, errmsg: 'cert_hash not match' }));
  expect(await p.confirm({ openId, person, faceToken: 'seq_1_abcdef.V' })).toEqual({ verified: false, reason: 'FACE_TOKEN_INVALID' });
});

test.each([-1, 40001, 42001, 45009])('transient errcode %s is UNAVAILABLE, not a failed attempt', async (errcode) => {
  const { p } = provider(() => ({ errcode }));
  await expect(p.confirm({ openId, person, faceToken: 'seq_1_abcdef.V' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
});

test('a malformed token is refused without calling WeChat', async () => {
  const { client, p } = provider(() => ({ errcode: 0, verify_ret: 10000 }));
  for (const faceToken of ['', 'no-dot', '.V', 'x.V', 'seq_1_abcdef.', `seq_1_abcdef.${'v'.repeat(257)}`]) {
    expect(await p.confirm({ openId, person, faceToken })).toEqual({ verified: false, reason: 'FACE_TOKEN_INVALID' });
  }
  expect(client.calls).toHaveLength(0);
});

test('getVerifyId errors and unusable answers are UNAVAILABLE', async () => {
  for (const answer of [{ errcode: 40001 }, { errcode: 0 }, { errcode: 0, verify_id: '' }, null, [1]]) {
    const { p } = provider(() => answer);
    await expect(p.beginFaceCheck({ openId, person })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  }
});

test('a failing client’s error (which may echo the request) never reaches the caller', async () => {
  const { p } = provider(() => {
    throw new Error(`request failed: ${JSON.stringify(person)}`);
  });
  const e = await p.beginFaceCheck({ openId, person }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ServiceError);
  expect((e as ServiceError).message).not.toContain(person.idNumber);
  expect((e as ServiceError).message).not.toContain(person.name);
});

test('a bad out_seq_no source is caller misuse', async () => {
  const client = new FakeClient(() => ({ errcode: 0, verify_id: 'V' }));
  const p = new WechatFacialProvider({ client, clock: new ManualClock(T0), newSeqNo: () => 'bad seq' });
  await expect(p.beginFaceCheck({ openId, person })).rejects.toThrow(TypeError);
  expect(client.calls).toHaveLength(0);
});
