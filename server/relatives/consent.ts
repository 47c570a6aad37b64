/**
 * The consent a relative gives before someone acts for them (代为查询). The mini program shows this
 * text to the relative, who is present for the face check; `relatives.add` needs `consent: true`,
 * and the relation records the version agreed to, when, and by whose account it was recorded.
 * A changed text gets a new version; relations keep the version they were made under.
 */
export const RELATIVE_CONSENT = Object.freeze({
  version: 'relatives-consent/1',
  zh: '本人同意由添加我的家人代为查询、出示、打印和更新我的国际旅行健康证明，并代为认证我的旅行证件。每次代办操作都会记录，我可以随时在“谁在代我办理”中查看记录并终止授权。',
  en: 'I agree that the relative who adds me may view, present, print and renew my international travel health certificate, and verify my travel document, on my behalf. Every such action is logged; I can read the log and end this at any time under "who acts for me".',
});
