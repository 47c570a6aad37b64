/**
 * Chinese strings (the default language). The English table must have exactly these keys: the
 * type of `en` is derived from this table, so a missing translation fails the type check.
 * Placeholders are written {name} and filled by `format` in ./index.ts.
 */
export const zh = {
  appTitle: '国际旅行健康证明',
  viewCertificate: '查看及出示国际旅行健康证明',
  viewCertificateHint: '出示二维码，供海关、航空公司和目的地查验',
  forOthers: '为他人查询',
  forOthersHint: '为家人查询和出示证明',
  faq: '常见问题解答',
  settings: '设置',
  switchLanguageShort: 'EN',
  switchLanguageLabel: 'Switch to English',
  faqHint: '在哪里使用、是否必须出示、老人如何办理',
  settingsHint: '语言、关怀模式',
  hotlineTitle: '外交部全球领事保护与服务应急热线',
  hotlineHint: '境外遇到困难，可拨打以下号码',
  callLabel: '拨打 {number}',
  pageUnavailable: '该功能即将开放',
  callFailed: '未能拨出电话，请手动拨打 {number}',
  errorNetwork: '网络连接失败，请检查网络后重试',
  errorHttpStatus: '服务暂时不可用（{status}），请稍后重试',
  errorBadResponse: '服务返回了无法识别的结果，请稍后重试',
  errorCloudUnavailable: '云服务不可用：需要已开通云开发的小程序 AppID',
  errorUnknown: '操作失败（{code}），请稍后重试',
} as const;

export type MessageKey = keyof typeof zh;
export type Messages = { readonly [K in MessageKey]: string };
