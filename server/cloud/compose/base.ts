/**
 * The platform a cloud function's services are made from (server/compose/): the
 * CloudBase store, the KEK from the environment (never made here), WeChat's facial verification,
 * the cloud database's registries, the operators the environment names, the issuer's settings.
 * Each function's composition (./<name>.ts) calls the factories of the services its actions use;
 * what only one function needs (admin.init's environment check) it adds to the platform itself.
 */
import { randomBytes } from 'node:crypto';
import type { Platform } from '../../compose/platform';
import { DEFAULT_APP_CONFIG, type AppConfig } from '../../config';
import { LocalDocumentRegistry } from '../../documents/registry';
import { StoreCitizenRegistry } from '../../identity/citizens';
import { WechatFacialProvider, type WechatOpenApiClient } from '../../identity/wechat-facial';
import { discardCloudFilesOf } from '../../pdf/storage';
import { migratedCollections } from '../../provision/database';
import { parseOperatorBootstrap } from '../../provision/operators';
import type { CloudBase } from '../composed';

/** The cloud's platform, with what the calling composition adds (`own`). */
export function cloudPlatform(base: CloudBase, own: Pick<Platform, 'environment'> = {}): Platform {
  const { store, clock, env } = base;
  const fromEnv = parseOperatorBootstrap(env);
  return {
    store,
    clock,
    config: configOf(base),
    // The wrapped keys are under the KEK the environment gives (ITHC_SECRET_KEK, and
    // ITHC_SECRET_KEK_PREVIOUS during a rotation): the only secret a function reads. A function
    // without it fails to start and says which variable to set.
    secrets: base.secrets,
    generateKek: false,
    rng: (n) => new Uint8Array(randomBytes(n)),
    identityProvider: new WechatFacialProvider({ client: openApiClient(env), clock, newSeqNo: () => randomBytes(12).toString('hex') }),
    // Filled by provisioning from the national population registry's export.
    citizens: new StoreCitizenRegistry(store),
    // Production has no document registry API here yet: the registry collection stands in for it, as locally.
    documentRegistry: new LocalDocumentRegistry(store),
    // ITHC_OPERATORS (base.operators) and ITHC_OPERATOR_KEYS; those added since live in the store.
    operatorBootstrap: { openids: new Set([...base.operators, ...fromEnv.openids]), keys: fromEnv.keys },
    collections: base.collections ?? migratedCollections,
    // Paper certificates are deleted by the admin function's housekeeping timer once expired: discarding marks them so.
    files: { discardOwnedBy: (owner) => discardCloudFilesOf(store, owner) },
    ...own,
  };
}

function configOf(base: CloudBase): AppConfig {
  return {
    ...DEFAULT_APP_CONFIG,
    operators: base.operators,
    // Read where signing keys are made (certificate, trustlist, admin), the functions whose
    // environment has it (docs/deploy.md): a malformed value stops those from starting, not the others.
    get prePublicationDays() {
      return prePublicationDaysOf(base.env);
    },
  };
}

/** ITHC_KEY_PREPUBLICATION_DAYS: how long a new DSC is published before it signs (default 7). */
function prePublicationDaysOf(env: NodeJS.ProcessEnv): number {
  const text = env.ITHC_KEY_PREPUBLICATION_DAYS;
  if (text === undefined || text === '') return DEFAULT_APP_CONFIG.prePublicationDays;
  const days = Number(text);
  if (!/^\d{1,2}$/.test(text) || days > 90) throw new Error(`ITHC_KEY_PREPUBLICATION_DAYS must be a whole number of days, 0–90, not ${JSON.stringify(text)}`);
  return days;
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
