/**
 * The paper certificate's own words: its title, the instructions printed on it (print at actual
 * size, how to verify), its column heads that join two labels, its footer. Everything about the
 * certificate itself (labels of lines, coded values, dates, ages, section titles) comes from the
 * shared catalogue (core/view); this table holds only what no other surface says. The paper is
 * bilingual, so it speaks Chinese and English; a {placeholder} is filled by fillMessage.
 */
import { fillMessage, type Message, type Params } from '../../core/view';

/** The languages a paper certificate is printed in: both, the chosen one first. */
export type PaperLang = 'zh' | 'en';

const en = {
  title: 'International Travel Health Certificate',
  state: "People's Republic of China",
  scanToVerify: 'Scan to verify (comprehensive)',
  certificate: 'Certificate',
  refresh: 'Refresh the certificate in the mini program after this date; each record keeps its own date.',
  printActualSize: 'Print at 100% (actual size). Do not use "fit to page" or any scaling.',
  printRuler: 'The bar below must measure exactly 50 mm on paper; the comprehensive QR must measure {qr} mm.',
  ageAtPrinting: 'Age at printing',
  testAndResult: 'Test and result',
  resultAndMethod: 'Result and method',
  countsFromSample: "A test result counts from its sample time, not from issuance; how long it is accepted is set by the destination's entry rules.",
  howToVerify: 'How to verify',
  webVerifier: 'Web verifier (any browser; works offline after the first visit)',
  trustList: 'Trust list (signing certificates)',
  dccVerifiers: 'Any EU Digital COVID Certificate (DCC) verifier reads the HC1 codes on the following pages, with the trust list above',
  signedNote:
    "The QR is digitally signed by the issuer (COSE, ES256). A valid signature shows the content is unaltered; check it against the holder's travel document.",
  dccHeading: 'Single-record codes (EU Digital COVID Certificate format)',
  dccLead: 'For verifiers that read only EU DCCs (HC1). Each code is signed on its own and repeats one record of the comprehensive certificate on page 1.',
  page: 'Page {n} of {total}',
  printed: 'printed {at}',
} as const satisfies Readonly<Record<string, Message>>;

export type PaperWord = keyof typeof en;

const zh: Readonly<Record<PaperWord, Message>> = {
  title: '国际旅行健康证明',
  state: '中华人民共和国',
  scanToVerify: '扫码核验（综合证明）',
  certificate: '证明',
  refresh: '此后请在小程序中更新证明；各项记录的日期不变。',
  printActualSize: '请以 100% 实际尺寸打印，不要选择“适合页面”或缩放。',
  printRuler: '下方标尺打印后应正好 50 毫米；综合证明二维码应为 {qr} 毫米见方。',
  ageAtPrinting: '距打印',
  testAndResult: '检测与结果',
  resultAndMethod: '结果与方法',
  countsFromSample: '检测结果自采样时间起算（非签发时间）；可接受多久由目的地入境规定决定。',
  howToVerify: '如何核验',
  webVerifier: '网页核验（任何浏览器，首次打开后可离线使用）',
  trustList: '信任列表（签名证书）',
  dccVerifiers: '欧盟数字新冠证书（EU DCC）核验程序可读取后附各页的 HC1 二维码（使用上述信任列表）',
  signedNote: '二维码经发证机构数字签名（COSE/ES256）。核验签名即可确认内容未被篡改；请同时核对持证人的旅行证件。',
  dccHeading: '单项记录二维码（欧盟数字新冠证书格式）',
  dccLead: '只识读欧盟数字新冠证书（HC1）的核验方可扫描以下二维码；每个二维码单独签名，内容与第 1 页的综合证明一致。',
  page: '第 {n} 页，共 {total} 页',
  printed: '打印于 {at}',
};

export const PAPER_WORDS: Readonly<Record<PaperLang, Readonly<Record<PaperWord, Message>>>> = Object.freeze({ zh, en });

/** One of the paper's own messages in `lang`, filled in. */
export function paperWord(lang: PaperLang, key: PaperWord, params?: Params): string {
  return fillMessage(lang, PAPER_WORDS[lang][key], params);
}
