/**
 * The app itself holds no state: preferences live in services/settings.ts, cloud access in
 * services/cloud.ts (which initialises wx.cloud on its first call).
 */
App<IAppOption>({
  globalData: {},
});
