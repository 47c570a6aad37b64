/**
 * Pieces several cloud functions' compositions share, each small: the issuer's settings, the
 * person-id key, identity verification over WeChat's facial verification. Anything heavier lives
 * in the composition that needs it, so that the other functions do not carry it.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_APP_CONFIG, type AppConfig } from '../../config';
import { PersonIds, loadPersonIdKey } from '../../identity/person-id';
import { IdentityService } from '../../identity/service';
import { WechatFacialProvider, type WechatOpenApiClient } from '../../identity/wechat-facial';
import type { CloudBase } from '../entry';

export function configOf(base: CloudBase): AppConfig {
  return { ...DEFAULT_APP_CONFIG, operators: base.operators };
}

export async function personIdsOf(base: CloudBase): Promise<PersonIds> {
  return new PersonIds(await loadPersonIdKey(base.secrets, (n) => new Uint8Array(randomBytes(n))));
}

export function identityOf(base: CloudBase, personIds: PersonIds): IdentityService {
  const provider = new WechatFacialProvider({ client: openApiClient(base.env), clock: base.clock, newSeqNo: () => randomBytes(12).toString('hex') });
  return new IdentityService({ store: base.store, clock: base.clock, provider, personIds });
}

/** Posts to api.weixin.qq.com with an access token fetched by the stable-token API and cached. */
function openApiClient(env: NodeJS.ProcessEnv): WechatOpenApiClient {
  let token: { value: string; until: number } | undefined;
  const accessToken = async (): Promise<string> => {
    if (token && token.until > Date.now()) return token.value;
    const res = await fetch('https://api.weixin.qq.com/cgi-bin/stable_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: env.ITHC_WECHAT_APPID, secret: env.ITHC_SECRET_WECHAT_APPSECRET }),
    });
    const body = (await res.json()) as { access_token?: string; expires_in?: number; errcode?: number };
    if (!body.access_token) throw new Error(`stable_token failed (errcode ${body.errcode ?? res.status})`);
    token = { value: body.access_token, until: Date.now() + ((body.expires_in ?? 7200) - 300) * 1000 };
    return token.value;
  };
  return {
    async post(path, body) {
      const res = await fetch(`https://api.weixin.qq.com${path}?access_token=${encodeURIComponent(await accessToken())}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    },
  };
}
