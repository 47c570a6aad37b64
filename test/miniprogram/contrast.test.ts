/**
 * Text contrast of the mini program's WXSS, computed with the WCAG 2.x formula (relative luminance,
 * (L1 + 0.05) / (L2 + 0.05)) from the colours the stylesheets define: the palette of app.wxss's
 * `page` rule, and the same with `.care` (care mode) over it. Every rule that sets a text colour is
 * checked against the background it sets itself or, when it sets none, against each surface text
 * sits on (cards, the page, the tinted person banner). The bar is 4.5:1 (WCAG AA for body text) in
 * both palettes, disabled buttons included.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const AA = 4.5;

interface Rule {
  file: string;
  selector: string;
  decls: Map<string, string>;
}

function parseWxss(file: string): Rule[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  const re = /([^{}]+)\{([^{}]*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const decls = new Map<string, string>();
    for (const d of m[2].split(';')) {
      const at = d.indexOf(':');
      if (at > 0) decls.set(d.slice(0, at).trim(), d.slice(at + 1).trim());
    }
    rules.push({ file: path.relative(ROOT, file), selector: m[1].trim(), decls });
  }
  return rules;
}

function wxssFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'miniprogram_npm', 'lib'].includes(e.name) ? [] : wxssFiles(full);
    return e.name.endsWith('.wxss') ? [full] : [];
  });
}

type Palette = Map<string, string>;

function variables(rules: Rule[], selector: string): Palette {
  const rule = rules.find((r) => r.selector === selector);
  if (!rule) throw new Error(`app.wxss has no ${selector} rule`);
  return new Map([...rule.decls].filter(([k]) => k.startsWith('--')));
}

/** A colour as [r, g, b] 0–255; null for what is not an opaque colour (transparent, rgba, inherit). */
function resolve(value: string, palette: Palette, depth = 0): [number, number, number] | null {
  const v = value.trim();
  const ref = /^var\((--[\w-]+)\)$/.exec(v);
  if (ref) {
    const next = palette.get(ref[1]);
    if (next === undefined) throw new Error(`undefined variable ${ref[1]}`);
    return depth > 8 ? null : resolve(next, palette, depth + 1);
  }
  if (v === 'white') return [255, 255, 255];
  if (v === 'black') return [0, 0, 0];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(v);
  if (!hex) return null;
  const h = hex[1].length === 3 ? hex[1].replace(/./g, (c) => c + c) : hex[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const appRules = parseWxss(path.join(ROOT, 'app.wxss'));
const normal = variables(appRules, 'page');
const care: Palette = new Map([...normal, ...variables(appRules, '.care')]);
const PALETTES: Array<[string, Palette]> = [
  ['normal', normal],
  ['care', care],
];
/** Where text without a background of its own sits. */
const SURFACES = ['var(--color-card)', 'var(--color-background)', 'var(--color-primary-soft)'];

const mainPackage = wxssFiles(ROOT).filter((f) => !path.relative(ROOT, f).startsWith('packageVerify'));
const textRules = mainPackage.flatMap(parseWxss).filter((r) => r.decls.has('color') && resolve(r.decls.get('color')!, normal) !== null);

describe('the WCAG formula', () => {
  it('gives the known extremes and a known pair', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([119, 119, 119], [255, 255, 255])).toBeCloseTo(4.48, 2);
    // The disabled button care mode had: text #1d2129 on #4e5969.
    expect(contrast(resolve('#1d2129', normal)!, resolve('#4e5969', normal)!)).toBeCloseTo(2.27, 2);
  });
});

describe('text contrast in the WXSS of the main package', () => {
  it('finds the rules it checks', () => {
    expect(textRules.length).toBeGreaterThan(40);
    expect(textRules.some((r) => r.selector === '.btn-disabled')).toBe(true);
  });

  it.each(PALETTES)('every text colour reaches 4.5:1 on its background (%s palette)', (_name, palette) => {
    const failures: string[] = [];
    for (const r of textRules) {
      const fg = resolve(r.decls.get('color')!, palette)!;
      const own = r.decls.get('background-color') ?? r.decls.get('background');
      const ownBg = own ? resolve(own, palette) : null;
      const backgrounds = ownBg ? [ownBg] : SURFACES.map((s) => resolve(s, palette)!);
      for (const bg of backgrounds) {
        const ratio = contrast(fg, bg);
        if (ratio < AA) failures.push(`${r.file} ${r.selector}: ${ratio.toFixed(2)}:1`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(PALETTES)('the palette pairs the app.wxss classes combine reach 4.5:1 (%s palette)', (_name, palette) => {
    const pairs: Array<[string, string]> = [
      ['--color-text', '--color-background'],
      ['--color-text', '--color-card'],
      ['--color-text-secondary', '--color-background'],
      ['--color-text-secondary', '--color-card'],
      ['--color-primary', '--color-card'],
      ['--color-primary-dark', '--color-primary-soft'],
      ['--color-good', '--color-good-soft'],
      ['--color-warn', '--color-warn-soft'],
      ['--color-bad', '--color-bad-soft'],
      ['--color-disabled-text', '--color-disabled-bg'],
    ];
    for (const [fg, bg] of pairs) {
      const ratio = contrast(resolve(`var(${fg})`, palette)!, resolve(`var(${bg})`, palette)!);
      expect({ pair: `${fg} on ${bg}`, ok: ratio >= AA }).toEqual({ pair: `${fg} on ${bg}`, ok: true });
    }
    // White on the primary colour (the primary button).
    expect(contrast([255, 255, 255], resolve('var(--color-primary)', palette)!)).toBeGreaterThanOrEqual(AA);
  });

  it('a disabled button sets its own colours, from the disabled pair', () => {
    const disabled = appRules.find((r) => r.selector === '.btn-disabled')!;
    expect(disabled.decls.get('color')).toBe('var(--color-disabled-text)');
    expect(disabled.decls.get('background-color')).toBe('var(--color-disabled-bg)');
  });
});

describe('no strip above a page', () => {
  it("the page root holds its first child's top margin (none collapses through it onto the grey page background)", () => {
    // A first card's or banner's top margin collapsing through `.page` shows the `page` element's
    // background above it: a grey strip over a care page's white. A table box before the first child
    // keeps the margin inside `.page` (the clearfix way, which every WebView WeChat runs on knows).
    const before = appRules.find((r) => r.selector === '.page::before');
    expect(before?.decls.get('display')).toBe('table');
    expect(before?.decls.get('content')).toMatch(/^(""|'')$/);
    expect(appRules.find((r) => r.selector === '.page')?.decls.get('padding-top')).toBeUndefined();
  });
});
