/**
 * Pieces several cloud functions' compositions share, each small: the issuer's settings, the
 * wrapped keys under the KEK from the environment, the person-id key, identity verification over
 * WeChat's facial verification. Anything heavier lives in the composition that needs it, so that
 * the other functions do not carry it.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_APP_CONFIG, type AppConfig } from '../../config';
import { PersonIds, loadPersonIdKey } from '../../identity/person-id';
import { IdentityService } from '../../identity/service';
import { WechatFacialProvider, type WechatOpenApiClient } from '../../identity/wechat-facial';
import { KeyVault, loadKekRing } from '../../keys/vault';
import { OperatorDirectory, parseOperatorBootstrap } from '../../provision/operators';
import type { CloudBase } from '../entry';

export function configOf(base: CloudBase): AppConfig {
  return { ...DEFAULT_APP_CONFIG, operators: base.operators, prePublicationDays: prePublicationDaysOf(base.env) };
}

/** ITHC_KEY_PREPUBLICATION_DAYS: how long a new DSC is published before it signs (default 7). */
function prePublicationDaysOf(env: NodeJS.ProcessEnv): number {
  const text = env.ITHC_KEY_PREPUBLICATION_DAYS;
  if (text === undefined || text === '') return DEFAULT_APP_CONFIG.prePublicationDays;
  const days = Number(text);
  if (!/^\d{1,2}$/.test(text) || days > 90) throw new Error(`ITHC_KEY_PREPUBLICATION_DAYS must be a whole number of days, 0–90, not ${JSON.stringify(text)}`);
  return days;
}

/**
 * The wrapped keys, under the KEK the environment gives (ITHC_SECRET_KEK, and
 * ITHC_SECRET_KEK_PREVIOUS during a rotation): the only secret a function reads. Never generated
 * here: a function without it fails to start and says which variable to set.
 */
export async function vaultOf(base: CloudBase): Promise<KeyVault> {
  return new KeyVault(base.store, await loadKekRing(base.secrets), base.clock);
}

export async function personIdsOf(base: CloudBase): Promise<PersonIds> {
  return new PersonIds(await loadPersonIdKey(await vaultOf(base), (n) => new Uint8Array(randomBytes(n))));
}

/** Who is an operator: the environment's (base.operators, ITHC_OPERATOR_KEYS) and those added since (server/provision/operators.ts). */
export function operatorsOf(base: CloudBase): OperatorDirectory {
  const fromEnv = parseOperatorBootstrap(base.env);
  return new OperatorDirectory({ store: base.store, clock: base.clock, bootstrap: { openids: new Set([...base.operators, ...fromEnv.openids]), keys: fromEnv.keys } });
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
