import { mrzNameMatches, spellingsOf } from '../../server/documents/name-match';

const field = (surname: string, given: string) => `${surname}<<${given}`.padEnd(39, '<').slice(0, 39);

test.each([
  ['张伟', 'ZHANG', 'WEI'],
  ['王秀英', 'WANG', 'XIUYING'],
  ['欧阳明', 'OUYANG', 'MING'],
  ['单晓红', 'SHAN', 'XIAOHONG'],
  ['单晓红', 'DAN', 'XIAOHONG'],
  ['曾国藩', 'ZENG', 'GUOFAN'],
  ['吕欣怡', 'LYU', 'XINYI'],
  ['吕欣怡', 'LV', 'XINYI'],
  ['吕欣怡', 'LU', 'XINYI'],
  ['证件样本', 'ZHENGJIAN', 'YANGBEN'],
  ['张伟', 'ZHANG', 'WEI'],
])('%s matches %s<<%s', (name, surname, given) => {
  expect(mrzNameMatches(name, field(surname, given))).toBe(true);
});

test('a name with a middle dot may split there', () => {
  expect(mrzNameMatches('买买提·艾力', field('MAIMAITI', 'AILI'))).toBe(true);
  expect(mrzNameMatches('买买提·艾力', field('MAI', 'MAITI<AILI'))).toBe(true);
});

test('a single space-like < between given-name syllables is tolerated', () => {
  expect(mrzNameMatches('王秀英', field('WANG', 'XIU<YING'))).toBe(true);
});

test.each([
  ['another person', '张伟', 'LI', 'NA'],
  ['surname and given name swapped', '张伟', 'WEI', 'ZHANG'],
  ['a missing syllable', '王秀英', 'WANG', 'XIU'],
  ['an extra syllable', '张伟', 'ZHANG', 'WEIWEI'],
  ['a reading the character does not have', '单晓红', 'SHEN', 'XIAOHONG'],
  ['a misspelt syllable', '张伟', 'ZHANG', 'WIE'],
  ['no separator', '张伟', 'ZHANGWEI', ''],
  ['a three-character surname without a middle dot', '欧阳明华', 'OUYANGMING', 'HUA'],
  ['an empty given name', '欧阳明', 'OUYANGMING', ''],
])('refuses %s', (_case, name, surname, given) => {
  expect(mrzNameMatches(name, field(surname, given))).toBe(false);
});

test('a name longer than the field matches when cut at 39 characters, but only as a prefix of a real reading', () => {
  const name = '张明欣怡秀英伟王明欣怡秀';
  const spelt = `ZHANG<<${'MING XIN YI XIU YING WEI WANG MING XIN YI XIU'.replace(/ /g, '')}`;
  expect(spelt.length).toBeGreaterThan(39);
  const cut = spelt.slice(0, 39);
  expect(mrzNameMatches(name, cut)).toBe(true);
  const broken = cut.slice(0, 10) + (cut[10] === 'A' ? 'B' : 'A') + cut.slice(11);
  expect(mrzNameMatches(name, broken)).toBe(false);
  // A field with room left (ending in filler) is not truncated: a prefix is not enough there.
  expect(mrzNameMatches('张明欣', field('ZHANG', 'MING'))).toBe(false);
});

test('a character the dictionary does not know matches one syllable, not anything', () => {
  const rare = '张\u{2A6D6}'; // a CJK Extension B character
  expect(spellingsOf('\u{2A6D6}')).toBeNull();
  expect(mrzNameMatches(rare, field('ZHANG', 'XYZ'))).toBe(true);
  expect(mrzNameMatches(rare, field('LI', 'XYZ'))).toBe(false);
  expect(mrzNameMatches(rare, field('ZHANG', 'ABCDEFG'))).toBe(false);
});

test('ü is spelt YU, U, V or UE', () => {
  expect(spellingsOf('吕')).toEqual(expect.arrayContaining(['LYU', 'LU', 'LV', 'LUE']));
  expect(spellingsOf('略')).toEqual(expect.arrayContaining(['LYUE', 'LUE']));
});

test('malformed fields never match', () => {
  expect(mrzNameMatches('张伟', 'zhang<<wei')).toBe(false);
  expect(mrzNameMatches('张伟', '')).toBe(false);
  expect(mrzNameMatches('', field('ZHANG', 'WEI'))).toBe(false);
  expect(mrzNameMatches('张伟', 'ZHANG<<WEI'.padEnd(40, '<'))).toBe(false);
});
