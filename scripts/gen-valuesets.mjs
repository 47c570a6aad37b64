#!/usr/bin/env node
// Generates core/valuesets.generated.ts from the EU DCC value sets
// (ehn-dcc-development/eu-dcc-valuesets, Apache-2.0), read from dcc-valuesets in the EU test data
// ($ITHC_TESTDATA, else ../shared/testdata).
//
//   node scripts/gen-valuesets.mjs [VALUESET_DIR]
//
// Regenerating is a deliberate act (a new value-set release): review the diff, run
// `npx jest test/ithc`, and commit the generated file with the reason.
//
// The EU value sets are English only. Chinese labels come from two places, both ours and marked
// as such in the output:
//   - ZH below, written by us for the disease, test types and results, prophylaxis types and the
//     Chinese vaccine products and manufacturers;
//   - country names from CLDR through Node's Intl.DisplayNames('zh-Hans'), with the overrides in
//     ZH_COUNTRY_OVERRIDES where Chinese official usage differs from CLDR.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = resolve(process.argv[2] ?? join(resolve(root, process.env.ITHC_TESTDATA || '../shared/testdata'), 'dcc-valuesets'));
const out = join(root, 'core/valuesets.generated.ts');
if (!existsSync(src)) {
  console.error(
    `gen-valuesets: the EU value sets are not at ${src} (published at https://github.com/ehn-dcc-development/eu-dcc-valuesets; set ITHC_TESTDATA or pass VALUESET_DIR)`,
  );
  process.exit(1);
}

/** Our value-set name → the EU file it comes from. */
const SETS = {
  disease: 'disease-agent-targeted.json',
  vaccineProphylaxis: 'vaccine-prophylaxis.json',
  vaccineProduct: 'vaccine-medicinal-product.json',
  vaccineManufacturer: 'vaccine-mah-manf.json',
  testType: 'test-type.json',
  testResult: 'test-result.json',
  testManufacturer: 'test-manf-example.json',
  country: 'country-2-codes.json',
};

/** Chinese labels added by ITHC (not part of the EU value sets). */
const ZH = {
  disease: { 840539006: '新型冠状病毒感染（COVID-19）' },
  testType: { 'LP6464-4': '核酸检测（核酸扩增）', 'LP217198-3': '抗原快速检测' },
  testResult: { 260415000: '未检出（阴性）', 260373001: '检出（阳性）' },
  vaccineProphylaxis: {
    1119305005: '新冠病毒抗原疫苗',
    1119349007: '新冠病毒 mRNA 疫苗',
    J07BX03: '新冠病毒疫苗（已停用代码）',
    1162643001: '新冠病毒重组刺突蛋白疫苗',
    1157024006: '新冠病毒灭活疫苗',
    29061000087103: '新冠病毒非复制型病毒载体疫苗',
    28531000087107: '新冠病毒疫苗',
    30141000087107: '新冠病毒病毒样颗粒疫苗',
    1187593009: '新冠病毒 DNA 质粒疫苗',
  },
  vaccineProduct: {
    'BBIBP-CorV': '新冠病毒灭活疫苗（Vero细胞）（国药集团北京生物）',
    'WIBP-CorV': '新冠病毒灭活疫苗（Vero细胞）（国药集团武汉生物）',
    'Inactivated-SARS-CoV-2-Vero-Cell': '新冠病毒灭活疫苗（Vero细胞）',
    CoronaVac: '克尔来福 新冠病毒灭活疫苗（Vero细胞）（科兴）',
    Convidecia: '克威莎 重组新冠病毒疫苗（5型腺病毒载体）（康希诺）',
    'NVSI-06-08': 'NVSI-06-08 重组新冠病毒疫苗（国药集团）',
    'YS-SC2-010': 'YS-SC2-010 重组新冠病毒疫苗（依生生物）',
    SCTV01C: 'SCTV01C 重组新冠病毒蛋白疫苗（神州细胞）',
  },
  vaccineManufacturer: {
    'ORG-100013793': '康希诺生物',
    'ORG-100020693': '国药集团（北京）',
    'ORG-100010771': '国药集团威奇达欧洲（布拉格）',
    'ORG-100024420': '国药集团致君（深圳）制药',
    'Sinovac-Biotech': '北京科兴生物',
    'Sinopharm-WIBP': '国药集团武汉生物制品研究所',
    NVSI: '国药集团（NVSI）',
    'Yisheng-Biopharma': '依生生物',
    'ORG-100026614': '神州细胞',
  },
};

/** Chinese official usage where CLDR's zh-Hans name differs. */
const ZH_COUNTRY_OVERRIDES = { TW: '中国台湾', HK: '中国香港', MO: '中国澳门' };

const readJson = (f) => JSON.parse(readFileSync(join(src, f), 'utf8'));
const release = /Release:\s*([0-9.]+)/.exec(readFileSync(join(src, 'README.md'), 'utf8'))?.[1] ?? 'unknown';
const regionZh = new Intl.DisplayNames(['zh-Hans'], { type: 'region', fallback: 'none' });

const sets = {};
for (const [name, file] of Object.entries(SETS)) {
  const vs = readJson(file);
  const values = {};
  for (const code of Object.keys(vs.valueSetValues).sort()) {
    const v = vs.valueSetValues[code];
    const entry = { en: v.display };
    const zh = name === 'country' ? (ZH_COUNTRY_OVERRIDES[code] ?? regionZh.of(code)) : ZH[name]?.[code];
    if (zh) entry.zh = zh;
    if (v.active === false) entry.inactive = true;
    values[code] = entry;
  }
  for (const code of Object.keys(ZH[name] ?? {})) {
    if (!(code in values)) throw new Error(`ZH label for ${name} ${code}, which the value set does not have`);
  }
  sets[name] = { id: vs.valueSetId, date: vs.valueSetDate, values };
}

// Product → the encoding the EU prescribes (manufacturer and SNOMED prophylaxis codes).
const encodings = {};
for (const e of Object.values(readJson('vaccine-encoding-instructions.json').valueSetValues)) {
  // A few instructions name a retired product as "CODE (deprecated)"; the product value set's key is CODE.
  encodings[e['vaccine-code'].replace(/ \(deprecated\)$/, '')] = { manufacturer: e['vaccine-manufacturer'], prophylaxis: e['sct-codes'] };
}
for (const code of Object.keys(encodings)) {
  if (!(code in sets.vaccineProduct.values)) throw new Error(`encoding instruction for ${code}, which is not in the product value set`);
}
const sortedEncodings = Object.fromEntries(
  Object.keys(encodings)
    .sort()
    .map((k) => [k, encodings[k]]),
);

// One value per line: compact, and a regeneration diff shows exactly the codes that changed.
const setsText = Object.entries(sets)
  .map(([name, s]) => {
    const rows = Object.entries(s.values).map(([code, e]) => `      ${JSON.stringify(code)}: ${JSON.stringify(e)},`);
    return `  ${name}: {\n    id: ${JSON.stringify(s.id)},\n    date: ${JSON.stringify(s.date)},\n    values: {\n${rows.join('\n')}\n    },\n  },`;
  })
  .join('\n');
const encodingsText = Object.entries(sortedEncodings)
  .map(([k, e]) => `  ${JSON.stringify(k)}: ${JSON.stringify(e)},`)
  .join('\n');

const text = `// GENERATED by scripts/gen-valuesets.mjs: do not edit by hand; regenerate deliberately.
//
// Source: EU DCC value sets, release ${release} (ehn-dcc-development/eu-dcc-valuesets),
// Copyright the eHealth Network / European Commission, licensed under the Apache License 2.0.
// Every \`zh\` label is an ITHC addition, not part of the EU value sets: the country names come
// from CLDR (Unicode License) through Intl.DisplayNames('zh-Hans') with Chinese official usage for
// ${Object.keys(ZH_COUNTRY_OVERRIDES).join(', ')}; the others were written for ITHC.
import type { ValueSetData, VaccineEncoding } from './valuesets-types';

export const VALUE_SET_RELEASE = ${JSON.stringify(release)};

export const VALUE_SET_DATA: ValueSetData = {\n${setsText}\n};

export const VACCINE_ENCODINGS: Readonly<Record<string, VaccineEncoding>> = {\n${encodingsText}\n};
`;
writeFileSync(out, text);
console.log(
  `wrote ${out} (${Object.entries(sets)
    .map(([k, s]) => `${k} ${Object.keys(s.values).length}`)
    .join(', ')})`,
);
