/**
 * The app itself holds no state: preferences live in services/settings.ts, cloud access in
 * services/cloud.ts (which initialises wx.cloud on its first call). At launch it registers the
 * handler WeChat calls before a privacy-related API is first used (adapters/privacy.ts).
 */
import { registerPrivacyHandler } from './adapters/privacy';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    registerPrivacyHandler();
  },
});
