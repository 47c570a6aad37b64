/**
 * Where the mini program's cloud calls go, chosen by the build WeChat runs: one table, read by
 * services/cloud.ts and services/auth.ts through appConfig().
 *
 * WeChat tells a running mini program which build it is (`wx.getAccountInfoSync().miniProgram.envVersion`):
 * - 'develop' (DevTools and development previews): may use the local gateway that `npm start`
 *   serves on 127.0.0.1 (DevTools' "do not verify domain names" setting, project.config.json
 *   `urlCheck: false`, lets it reach http://127.0.0.1), so the whole system runs without a cloud account;
 * - 'trial' and 'release': always WeChat Cloud Development (a real AppID with cloud development
 *   enabled). checkBuildConfig refuses any table in which these builds could reach a loopback or
 *   plain-http address, and a build WeChat does not name is treated as 'release'.
 *
 * Deploying: set `cloudEnv` of trial and release to the cloud environment id (docs/deploy.md).
 */
export type CloudMode = 'local' | 'cloud';
export type EnvVersion = 'develop' | 'trial' | 'release';

export interface AppConfig {
  readonly mode: CloudMode;
  /** Base URL of the local gateway, without a trailing slash ('' in cloud mode). */
  readonly gatewayUrl: string;
  /** Cloud environment id; '' uses the AppID's default environment. */
  readonly cloudEnv: string;
  /** Caller identity the local gateway uses in place of WeChat's OPENID (local mode only). */
  readonly localCaller: string;
  /**
   * How long a cloud call may take before it counts as failed (offline), in both transports. A page
   * showing a saved copy keeps showing it meanwhile; one with nothing saved waits this long at most.
   */
  readonly requestTimeoutMs: number;
}

/** Bounds of requestTimeoutMs: long enough for a slow signal, short enough that a failure shows. */
export const REQUEST_TIMEOUT_BOUNDS = Object.freeze({ min: 1000, max: 60000 });

export const BUILD_CONFIGS: Readonly<Record<EnvVersion, AppConfig>> = Object.freeze({
  develop: Object.freeze({
    mode: 'local',
    gatewayUrl: 'http://127.0.0.1:8787',
    cloudEnv: '',
    localCaller: 'local-demo-traveller',
    requestTimeoutMs: 15000,
  }),
  trial: Object.freeze({ mode: 'cloud', gatewayUrl: '', cloudEnv: '', localCaller: '', requestTimeoutMs: 15000 }),
  release: Object.freeze({ mode: 'cloud', gatewayUrl: '', cloudEnv: '', localCaller: '', requestTimeoutMs: 15000 }),
});

export class BuildConfigError extends Error {
  readonly code = 'BUILD_CONFIG_INVALID';
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/** True for an address a phone in the field must never be sent to: plain http, or a loopback host. */
export function isLocalOnlyUrl(url: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/?#:]+)/i.exec(url.trim());
  if (!m) return url.trim() !== '';
  const scheme = m[1].toLowerCase();
  const host = m[2];
  return scheme !== 'https' || LOOPBACK_HOST.test(host) || /\.localhost$/i.test(host);
}

/** Refuses a table whose trial or release build is not cloud mode or names a local-only address. */
export function checkBuildConfig(configs: Readonly<Record<EnvVersion, AppConfig>>): void {
  for (const version of ['trial', 'release'] as const) {
    const c = configs[version];
    if (!c || c.mode !== 'cloud') throw new BuildConfigError(`the ${version} build must use cloud mode`);
    if (c.gatewayUrl !== '' && isLocalOnlyUrl(c.gatewayUrl)) throw new BuildConfigError(`the ${version} build names a local-only address`);
    if (c.localCaller !== '') throw new BuildConfigError(`the ${version} build must not carry a local caller`);
  }
  const d = configs.develop;
  if (!d || (d.mode !== 'local' && d.mode !== 'cloud')) throw new BuildConfigError('the develop build needs a mode');
  for (const version of ['develop', 'trial', 'release'] as const) {
    const ms = configs[version].requestTimeoutMs;
    if (!Number.isInteger(ms) || ms < REQUEST_TIMEOUT_BOUNDS.min || ms > REQUEST_TIMEOUT_BOUNDS.max) {
      throw new BuildConfigError(`the ${version} build needs a request timeout of ${REQUEST_TIMEOUT_BOUNDS.min}-${REQUEST_TIMEOUT_BOUNDS.max} ms`);
    }
  }
}

/** The build WeChat says this is; anything else (an older base library, an unknown value) is 'release'. */
export function currentEnvVersion(accountInfo: (() => unknown) | undefined): EnvVersion {
  try {
    const info = accountInfo?.() as { miniProgram?: { envVersion?: unknown } } | undefined;
    const v = info?.miniProgram?.envVersion;
    return v === 'develop' || v === 'trial' ? v : 'release';
  } catch {
    return 'release';
  }
}

/** The configuration of `envVersion` from a table that passed checkBuildConfig. */
export function configFor(envVersion: EnvVersion, configs: Readonly<Record<EnvVersion, AppConfig>> = BUILD_CONFIGS): AppConfig {
  checkBuildConfig(configs);
  return configs[envVersion];
}

let resolved: AppConfig | undefined;

/** This build's configuration, resolved once from the global `wx` on first use. */
export function appConfig(): AppConfig {
  if (!resolved) {
    const w = typeof wx === 'undefined' ? undefined : wx;
    resolved = configFor(currentEnvVersion(w?.getAccountInfoSync ? () => w.getAccountInfoSync() : undefined));
  }
  return resolved;
}
