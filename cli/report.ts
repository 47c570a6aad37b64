/**
 * How a verdict is shown: one JSON line for programs, or a summary for people in the officer's
 * language (--lang), rendered from the shared view model and catalogue (core/view): verdict first,
 * then the reasons or what is missing, then the holder, each record and the issuer. Nothing from a
 * code whose signature did not verify is ever printed as its content.
 */
import type { Problem } from '../core/errors';
import type { VerifiedCertificate } from '../core/hcert';
import { ithcToJson } from '../core/ithc';
import { SourceDirectory, type SourceListEntry } from '../core/source-directory';
import { certificateView, errorMessage, format, missingValue, renderValue, type CertificateView, type Lang, type Value } from '../core/view';
import type { RuledVerdict } from './rules';
import type { Missing, VerdictKind } from '../core/outcome';

/** The --json line: exactly these keys, in this order. */
export interface JsonResult {
  /** True only when the verdict is valid (kept for programs written before "verdict"). */
  valid: boolean;
  /** valid; invalid, with the reasons in errors; cannot-check, with what is missing in missing. */
  verdict: VerdictKind;
  format: string | null;
  kid: string | null;
  issuer: string | null;
  errors: Problem[];
  /** What is needed to check the code (core/outcome.ts): empty unless the verdict is cannot-check. */
  missing: Missing[];
  payload: unknown;
  /** Only with --rules: the entry-rule report (core/rules.ts), null when the code did not verify. */
  rules?: RuledVerdict['rules'];
  /** Only for a code read from an image or PDF file: which file, page and place in reading order. */
  source?: CodeSource;
}

/** Where a code read from a file was: the file as named, the PDF page (1-based), the place in reading order (1-based). */
export interface CodeSource {
  file: string;
  page?: number;
  index: number;
}

export function toJsonResult(v: RuledVerdict, source?: CodeSource): JsonResult {
  const verdict = v.outcome?.verdict ?? (v.valid ? 'valid' : 'invalid');
  return {
    valid: verdict === 'valid',
    verdict,
    format: v.format,
    kid: v.kid,
    issuer: v.issuer,
    errors: v.errors.map((e) => ({ code: e.code, message: e.message })),
    missing: v.outcome?.missing ?? [],
    payload: payloadOf(v.certificate, v.sources),
    ...(v.rules !== undefined ? { rules: v.rules } : {}),
    ...(source ? { source } : {}),
  };
}

/** The verified certificate as JSON: a DCC's own JSON, or the readable ITHC certificate (with the names of sources given by code, when a source list holds them). */
export function payloadOf(c: VerifiedCertificate | null, sources?: SourceListEntry[]): unknown {
  if (!c) return null;
  return c.format === 'dcc' ? c.dcc.json : ithcToJson(c.ithc, sources?.length ? { sources: new SourceDirectory(sources).names } : {});
}

export function jsonLine(v: RuledVerdict, source?: CodeSource): string {
  return JSON.stringify(toJsonResult(v, source));
}

/** The view model of a checked code (core/view), as every surface builds it. */
export function viewOf(v: RuledVerdict, now: number): CertificateView {
  const outcome = v.outcome ?? { verdict: v.valid ? 'valid' : 'invalid', missing: [] };
  return certificateView(v, {
    now,
    outcome,
    trust: [],
    ...(v.sources?.length ? { sources: new SourceDirectory(v.sources) } : {}),
    ...(v.rules !== undefined ? { rules: v.rules } : {}),
  });
}

/** The validation time a verdict was reached at: the signature's own checks ran at it (--at, or the time of the check). */
function nowOf(v: RuledVerdict): number {
  return v.checkedAt ?? Math.floor(Date.now() / 1000);
}

/** "✔ VALID", "✘ INVALID", "? CANNOT CONFIRM" in `lang`. */
function headOf(view: CertificateView, lang: Lang): string {
  const mark = view.verdict.kind === 'valid' ? '✔' : view.verdict.kind === 'cannot-check' ? '?' : '✘';
  return `${mark} ${format(lang, view.verdict.word)}`;
}

/** What is missing to check a code, in `lang`, with the option that supplies it. */
export function missingText(m: Missing, lang: Lang = 'en'): string {
  const option = m.kind === 'authority-key' ? '--key' : m.kind === 'trust-list' ? '--trust, --cert' : '--trust, --csca';
  return `${renderValue(lang, missingValue(m))} (${option})`;
}

/** The multi-line summary for one code: verdict, reasons or what is missing, then the summary's sections, signature and rules. */
export function textSummary(v: RuledVerdict, lang: Lang = 'en', label?: string): string {
  const view = viewOf(v, nowOf(v));
  const r = (x: Value) => renderValue(lang, x);
  const lines: string[] = [];
  const what = view.format ? format(lang, view.format) : '';
  lines.push([headOf(view, lang), what && `— ${what}`, label && `[${label}]`].filter(Boolean).join('  '));
  lines.push(`  ${format(lang, view.verdict.lead)}`);
  for (const m of v.outcome?.missing ?? []) lines.push(`  - ${missingText(m, lang)}`);
  // Each reason in the officer's words, with its stable code and the verifier's own detail.
  if (!v.outcome?.missing.length) for (const e of v.errors) lines.push(`  - [${e.code}] ${format(lang, errorMessage(e.code))} (${e.message})`);
  for (const n of view.verdict.notes) lines.push(`  ${r(n)}`);
  const sections = [...view.summary, ...view.details.filter((s) => s.key === 'signature')];
  for (const s of sections) {
    lines.push(`  ${r(s.title)}:`);
    for (const item of s.items) {
      if (item.title && s.items.length > 1) lines.push(`    ${r(item.title)}`);
      const indent = item.title && s.items.length > 1 ? '      ' : '    ';
      for (const l of item.lines) lines.push(`${indent}${r(l.label)}: ${r(l.value)}`);
    }
  }
  if (view.rules) {
    const rv = view.rules;
    lines.push(`  ${rv.country ? format(lang, 'section.rules', { country: rv.country }) : ''}${rv.country ? ': ' : ''}${r(rv.head)}`);
    if (rv.basis) lines.push(`    ${r(rv.basis)}`);
    for (const x of rv.rules)
      lines.push(
        `    ${x.result === 'passed' ? '✔' : x.result === 'failed' ? '✘' : '?'} ${r(x.word)}  ${x.ruleId}: ${r(x.description)}${x.reason ? ` (${x.reason})` : ''}`,
      );
  }
  return lines.map(printable).join('\n');
}

/** One line per code, for `verify -` and several codes, without --json: led by the line number or where the code came from. */
export function textLine(v: RuledVerdict, where: number | string, lang: Lang = 'en'): string {
  const view = viewOf(v, nowOf(v));
  const parts = [`${where}`, headOf(view, lang)];
  if (v.outcome?.missing.length) parts.push(v.outcome.missing.map((m) => missingText(m, lang)).join('; '));
  else if (view.verdict.reasons.length) parts.push(view.verdict.reasons.map((e) => `${e.code} ${renderValue(lang, e.text)}`).join('; '));
  else if (v.errors.length) parts.push(v.errors.map((e) => e.code).join('; '));
  const line = (key: string) => view.summary.flatMap((s) => s.items.flatMap((i) => i.lines)).find((l) => l.key === key);
  const text = (key: string) => {
    const l = line(key);
    return l ? renderValue(lang, l.value) : undefined;
  };
  if (v.certificate) {
    // An HC1 code holds one record: named, so that the codes of one page can be told apart.
    const record = v.certificate.format === 'dcc' ? view.summary.find((s) => !['holder', 'issuer'].includes(s.key)) : undefined;
    const recordText = record
      ? `${renderValue(lang, record.title)}: ${record.items[0].lines
          .slice(0, 3)
          .map((l) => renderValue(lang, l.value))
          .join(', ')}`
      : undefined;
    parts.push([text('holder.nameLatin') ?? text('holder.name'), text('holder.dob'), text('holder.document'), recordText].filter(Boolean).join(' · '));
  }
  if (view.rules && view.rules.result !== 'not-checked' && view.rules.result !== 'none') {
    // The rules that were not met (or could not be decided), by id, so a line says which.
    const ids = view.rules.rules.filter((x) => x.result !== 'passed').map((x) => x.ruleId);
    parts.push([renderValue(lang, view.rules.head), ids.join(', ')].filter(Boolean).join(' '));
  }
  return printable(parts.join('  '));
}

/**
 * Text from a code (names, messages quoting input) goes to a terminal: control characters and
 * bidirectional overrides could rewrite what the officer sees, so each is shown as U+FFFD.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\ufffd');
}
