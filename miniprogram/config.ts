/**
 * Where the mini program's cloud calls go. One switch, read by services/cloud.ts only.
 *
 * - 'local': the local gateway that `npm start` serves on 127.0.0.1 (DevTools, no cloud account; DevTools'
 *   "do not verify domain names" setting, project.config.json `urlCheck: false`, lets it reach http://127.0.0.1).
 * - 'cloud': WeChat Cloud Development; needs a real AppID with cloud development enabled (not `touristappid`).
 */
export type CloudMode = 'local' | 'cloud';

export interface AppConfig {
  readonly mode: CloudMode;
  /** Base URL of the local gateway, without a trailing slash. */
  readonly gatewayUrl: string;
  /** Cloud environment id; '' uses the environment DevTools has selected. */
  readonly cloudEnv: string;
  /** Caller identity the local gateway uses in place of WeChat's OPENID (local mode only). */
  readonly localCaller: string;
  readonly requestTimeoutMs: number;
}

export const APP_CONFIG: AppConfig = Object.freeze({
  mode: 'local',
  gatewayUrl: 'http://127.0.0.1:8787',
  cloudEnv: '',
  localCaller: 'local-demo-traveller',
  requestTimeoutMs: 15000,
});
