/**
 * The preset dictionary of ITHC1 codes (docs/ithc-certificate.md, "Layers"): zlib (RFC 1950 §2.2,
 * FDICT) starts with these bytes already in its window, so text that recurs across certificates
 * costs a back-reference of two or three bytes instead of itself.
 *
 * Why: the comprehensive code carries free text in Chinese (testing centres, vaccination sites) at
 * three UTF-8 bytes a character, which deflate cannot shorten within one small certificate: it
 * repeats little inside one code, but the same words recur in every code (疾病预防控制中心,
 * 人民医院, 检验科, province and city names), as do the value-set codes our issuer writes and the
 * issuer's name. Measured on the demo traveller's certificate (two vaccinations, a nucleic-acid
 * test and an IgG test from Beijing institutions): 454 compressed bytes without the dictionary,
 * about 318 with it; the code goes from 687 to about 485 characters. Nothing is left out: the
 * dictionary only changes how the same bytes are compressed.
 *
 * FROZEN. The zlib header names the dictionary by its Adler-32 (DICTID); a verifier refuses a
 * code whose DICTID it does not know. Changing one byte here makes a different dictionary: it
 * would need a new code generation (ITHC2:), and verifiers would keep this one to read ITHC1.
 *
 * Contents, in this order (deflate reaches nearer bytes with shorter codes, so what recurs most is
 * last): names of provinces, capitals and administrative units; words of Chinese health-institution
 * names; DCC value-set codes for the vaccines authorised in China and for tests (EU DCC value sets
 * 2.12.0); the issuer's name; the UVCI prefix. Each string's UTF-8, concatenated, no separators.
 */

const ENTRIES: readonly string[] = Object.freeze([
  // Provinces, autonomous regions and their capitals (GB/T 2260).
  '内蒙古自治区', '广西壮族自治区', '西藏自治区', '宁夏回族自治区', '新疆维吾尔自治区', '香港特别行政区', '澳门特别行政区',
  '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省',
  '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省', '云南省', '陕西省', '甘肃省', '青海省', '台湾省',
  '石家庄市', '太原市', '呼和浩特市', '沈阳市', '长春市', '哈尔滨市', '南京市', '杭州市', '合肥市', '福州市', '南昌市',
  '济南市', '郑州市', '武汉市', '长沙市', '广州市', '深圳市', '南宁市', '海口市', '成都市', '贵阳市', '昆明市', '拉萨市',
  '西安市', '兰州市', '西宁市', '银川市', '乌鲁木齐市', '天津市', '重庆市', '上海市', '北京市',
  '自治州', '自治县', '新区', '开发区', '街道', '镇', '乡', '县', '区', '市', '省',
  // Words of testing centres' and vaccination sites' names.
  '大学', '医学院', '附属', '第一', '第二', '第三', '总医院', '中心医院', '人民医院', '中医院', '中医医院', '中西医结合医院',
  '妇幼保健院', '儿童医院', '传染病医院', '医院', '卫生院', '社区卫生服务站', '社区卫生服务中心', '预防接种门诊', '接种门诊',
  '疫苗接种', '接种点', '医学检验所', '医学检验实验室', '临床检验中心', '实验医学科', '医学检验科', '检验科', '检测中心',
  '核酸检测实验室', '核酸检测', '实验室', '卫生健康委员会', '疾病预防控制中心',
  // DCC value-set codes: vaccines authorised in China, their manufacturers and types; tests.
  'J07BX03', '1119349007', '1119305005', 'SCTV01C', 'ORG-100026614', 'YS-SC2-010', 'NVSI-06-08', 'NVSI',
  'Convidecia', 'ORG-100013793', 'WIBP-CorV', 'Sinopharm-WIBP', 'CoronaVac', 'Sinovac-Biotech', 'BBIBP-CorV', 'ORG-100020693',
  '1157024006', 'LP217198-3', 'LP6464-4', '840539006', '260373001', '260415000',
  // The issuer (server/config.ts) and the UVCI prefix of every certificate id.
  '国家卫生健康委员会', 'National Health Commission of the PRC', 'URN:UVCI:01:CN:',
]);

/** The dictionary's bytes (at most 32 KiB, deflate's window). */
export const ITHC_DICTIONARY: Uint8Array = new TextEncoder().encode(ENTRIES.join(''));
