/**
 * The CJK font of the paper certificate: Noto Sans SC (SIL OFL 1.1) from the npm package
 * @expo-google-fonts/noto-sans-sc, TrueType outlines, embedded as a subset of the glyphs used.
 *
 * Why these choices (measured here, 2026-11):
 * - Full Noto Sans SC, not a GB2312 subset: holders' names use characters outside GB2312
 *   (堃, 喆, 珺, ...). The package ships static TrueType files (~10.6 MB a weight); the printout
 *   embeds only the glyphs it uses (~30 KB for both weights).
 * - Upstream fontkit 2.0.4 subsets, not @pdf-lib/fontkit 1.1.1: the pdf-lib fork predates two
 *   subsetting fixes (foliojs/fontkit#191, short-`loca` offsets; CFF header offSize). With it,
 *   "国际旅行健康证明" subset from this very font rendered as "国际" and blanks in poppler, and the
 *   CID-keyed OTF (Noto Sans CJK) was rejected whole ("Embedded font file may be invalid").
 *   pdf-lib accepts any object with `create()`; its subset embedder calls the fontkit 1.x
 *   `subset.encodeStream()`, which fontkit 2 replaced by `subset.encode()`: `fontkitForPdfLib`
 *   bridges that one call.
 *
 * Where the files are looked for, in order: ITHC_PDF_FONT_DIR, a `fonts/` folder beside the
 * running bundle (a deployed cloud function carries its own copy), the npm package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// fontkit 2 ships no type declarations; the three members used here are typed where they are used.
// @ts-expect-error -- untyped package
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';
import { createRequire } from 'node:module';
import { Recent } from './recent';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

export type FontWeight = 'regular' | 'bold';

const FILES: Readonly<Record<FontWeight, string>> = Object.freeze({
  regular: '400Regular/NotoSansSC_400Regular.ttf',
  bold: '700Bold/NotoSansSC_700Bold.ttf',
});

const PACKAGE = '@expo-google-fonts/noto-sans-sc';

const cache = new Map<FontWeight, Uint8Array>();

function candidates(weight: FontWeight): string[] {
  const file = FILES[weight];
  const base = file.split('/')[1];
  const out: string[] = [];
  if (process.env.ITHC_PDF_FONT_DIR) out.push(join(process.env.ITHC_PDF_FONT_DIR, base));
  out.push(join(__dirname, 'fonts', base));
  try {
    out.push(join(dirname(createRequire(__filename).resolve(`${PACKAGE}/package.json`)), file));
  } catch {
    // Not installed: the other places may still hold the file.
  }
  return out;
}

/** The TrueType file of a weight (read once per process, then shared). */
export function fontBytes(weight: FontWeight): Uint8Array {
  let bytes = cache.get(weight);
  if (!bytes) {
    const found = candidates(weight).find((p) => existsSync(p));
    if (!found) throw new Error(`font ${FILES[weight]} not found: install ${PACKAGE} or set ITHC_PDF_FONT_DIR`);
    bytes = new Uint8Array(readFileSync(found));
    cache.set(weight, bytes);
  }
  return bytes;
}

interface Fontkit2Subset {
  /** Glyph ids of the font, in the order the subset numbers them (0, the missing glyph, first). */
  glyphs: number[];
  encode(): Uint8Array;
  encodeStream?: () => unknown;
}

interface Fontkit2Font {
  createSubset(): Fontkit2Subset;
  layout(text: string, ...rest: unknown[]): unknown;
}

/**
 * Layouts of the strings set lately, per parsed font. pdf-lib lays a string out (fontkit's
 * shaping: GSUB and GPOS lookups) each time it measures or draws it, and a printout measures the
 * same strings many times over (wrapping tries each longer prefix of a line; the labels and notes
 * are the same on every certificate). A layout is a pure function of the font and the string, and
 * pdf-lib only reads it (glyph ids and advances), so a kept one serves every later call. Bounded.
 */
function rememberLayouts(font: Fontkit2Font): void {
  const layout = font.layout.bind(font);
  const runs = new Recent<unknown>(4096);
  font.layout = (text: string, ...rest: unknown[]) => {
    // Only the call pdf-lib makes (no features, script, language or direction) is kept.
    if (rest.some((x) => x !== undefined)) return layout(text, ...rest);
    return runs.get(text, () => layout(text));
  };
}

/**
 * Subsets encoded lately, per parsed font, by the glyphs they hold in their order. Encoding one
 * decodes every glyph it holds and lays out the font's tables: about a fifth of a printout's CPU.
 * A certificate printed again draws the same strings in the same order, so it asks for the same
 * glyphs in the same order, and the subset is a pure function of the font and that list. The kept
 * bytes are shared: pdf-lib copies them into its font stream and never writes to them. Bounded:
 * a subset of both languages' text is ~35–60 KB, so 32 a font stay within ~4 MB of a PDF worker's heap.
 */
const SUBSET_CACHE_ENTRIES = 32;

function encodeOnce(encoded: Recent<Uint8Array>, subset: Fontkit2Subset): Uint8Array {
  return encoded.get(subset.glyphs.join(','), () => subset.encode());
}

const parsed = new WeakMap<Uint8Array, Fontkit2Font>();

/**
 * fontkit 2 in the shape pdf-lib 1.17 calls: `subset.encodeStream()` returning an emitter of
 * `data`, `end` and `error`. The subset is encoded once, after pdf-lib attached its listeners
 * (or taken from the subsets kept above).
 */
export const fontkitForPdfLib: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    // Parsing a 10 MB font takes ~0.4 s; the parsed font is immutable (subsets are separate
    // objects), so one parse per file and process serves every PDF.
    let font = postscriptName === undefined ? parsed.get(buffer) : undefined;
    if (font) return font as never;
    font = (fontkit as unknown as { create(b: Uint8Array, n?: string): Fontkit2Font }).create(buffer, postscriptName);
    if (postscriptName === undefined) parsed.set(buffer, font);
    rememberLayouts(font);
    const encoded = new Recent<Uint8Array>(SUBSET_CACHE_ENTRIES);
    const createSubset = font.createSubset.bind(font);
    const f = font;
    f.createSubset = () => {
      const subset = createSubset();
      subset.encodeStream = () => {
        const listeners: Record<string, (x?: unknown) => void> = {};
        const emitter = {
          on(event: string, fn: (x?: unknown) => void) {
            listeners[event] = fn;
            return emitter;
          },
        };
        setImmediate(() => {
          let bytes: Uint8Array;
          try {
            bytes = encodeOnce(encoded, subset);
          } catch (e) {
            listeners.error?.(e);
            return;
          }
          listeners.data?.(bytes);
          listeners.end?.();
        });
        return emitter;
      };
      return subset;
    };
    return font as never;
  },
};
