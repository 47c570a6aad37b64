/**
 * How a verdict is shown: one JSON line for programs, or a bilingual summary for people (verdict
 * first, then the reasons, then who the certificate is for). Nothing from a code whose signature
 * did not verify is ever printed as its content.
 */
import type { Problem } from '../core/errors';
import type { Verdict, VerifiedCertificate } from '../core/hcert';
import { ithcToJson } from '../core/ithc';
import { IGG_RESULTS, IGG_TARGETS, TRAVEL_DOCUMENT_TYPES, iggAssayLabel, label, ownLabel } from '../core/valuesets';
import { SourceDirectory, sourceLabel, sourceValidAt, type SourceListEntry } from '../core/sourcelist';
import { ERROR_TEXT, FORMAT_TEXT, RECORD_TEXT } from './messages';
import { rulesBrief, rulesText, type RuledVerdict } from './rules';
import type { Missing, VerdictKind } from '../core/outcome';

/** The verdict's head, in both languages. */
function headOf(v: RuledVerdict): string {
  const o = v.outcome?.verdict ?? (v.valid ? 'valid' : 'invalid');
  return o === 'valid' ? '✔ 有效 VALID' : o === 'cannot-check' ? '? 无法核验 CANNOT CHECK' : '✘ 无效 INVALID';
}

/** What is missing to check a code, in both languages. */
export function missingText(m: Missing): string {
  if (m.kind === 'authority-key') return `密封码，需目的地主管机构私钥 sealed: needs the private key of the destination authority with kid ${m.kids.join(', ') || '?'} (--key)`;
  if (m.kind === 'trust-list') return `未加载信任列表 no trust list loaded: the signer (kid ${m.kid ?? '?'}) cannot be looked up (--trust, --cert)`;
  const l = m.list;
  return `信任列表已过期 the trust list ${l.source} (${l.country ?? '?'} v${l.version ?? '?'}) is past its maximum age: issued ${new Date((l.issuedAt ?? 0) * 1000).toISOString().replace('.000Z', 'Z')}, maximum age ${l.maxAge ?? '?'} s; load a current one`;
}

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

/** What the summary says about the holder; fields are absent when the certificate has none. */
export interface HolderSummary {
  name?: string;
  nameLatin?: string;
  dob?: string;
  document?: string;
  records: string[];
  id?: string;
}

export function holderOf(c: VerifiedCertificate, sources?: SourceListEntry[]): HolderSummary {
  if (c.format === 'dcc') {
    const j = c.dcc.json;
    const nam = j.nam ?? ({} as typeof j.nam);
    const name = [nam.fn, nam.gn].filter(Boolean).join(', ');
    const latin = [nam.fnt, nam.gnt].filter(Boolean).join(', ');
    const entry = (j[c.dcc.type] ?? [])[0] as Record<string, unknown> | undefined;
    return { name: name || latin, nameLatin: latin && latin !== name ? latin : undefined, dob: j.dob, records: entry ? [dccRecord(c.dcc.type, entry)] : [], id: c.dcc.uci };
  }
  const { holder: h, tests, antibodyTests, vaccinations, id } = c.ithc;
  const dir = new SourceDirectory(sources ?? []);
  // A testing centre or vaccination site in both languages: its Chinese name and its Latin-script one (source list), or the name carried.
  const at = (name: string | undefined, code: number | undefined, t?: number) => {
    const e = code !== undefined ? dir.get(code) : undefined;
    const note = e && t !== undefined && !sourceValidAt(e, t) ? ' (不在来源列表所载有效期内 outside its validity in the source list)' : '';
    return ` @ ${both(sourceLabel({ name, code }, dir, 'zh'), sourceLabel({ name, code }, dir, 'en'))}${note}`;
  };
  const name = [h.surname, h.givenName].filter(Boolean).join(' ');
  const latin = [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(', ');
  return {
    name: name || latin,
    nameLatin: name && latin ? latin : undefined,
    dob: h.dateOfBirth,
    document: `${both(ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, 'zh'), ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, 'en'))} ${h.documentNumber} (${h.nationality}; 签发国 issued by ${h.documentIssuer})`,
    records: [
      ...tests.map(
        (t) =>
          `${both(label('testType', t.testType, 'zh'), label('testType', t.testType, 'en'))}: ${day(t.sampleTime)}, ${both(label('testResult', t.result, 'zh'), label('testResult', t.result, 'en'))}${t.reportTime !== undefined ? `, 报告 reported ${day(t.reportTime)}` : ''}${at(t.testingCentre, t.testingCentreCode, t.sampleTime)}`,
      ),
      ...antibodyTests.map(
        (t) =>
          `IgG 抗体 antibody: ${day(t.sampleTime)}, ${both(ownLabel(IGG_RESULTS, t.result, 'zh'), ownLabel(IGG_RESULTS, t.result, 'en'))}${t.value ? ` ${t.comparator ?? ''}${t.value}${t.unit ? ` ${t.unit}` : ''}` : ''}${t.cutoff ? ` (阳性判定值 cut-off ${t.cutoff}${t.unit ? ` ${t.unit}` : ''})` : ''}${t.target ? `, ${both(ownLabel(IGG_TARGETS, t.target, 'zh'), ownLabel(IGG_TARGETS, t.target, 'en'))}` : ''}${t.assayCode !== undefined ? `, ${iggAssayLabel(t.assayCode, 'en')}` : t.assay ? `, ${[t.manufacturer, t.assay].filter(Boolean).join(' ')}` : ''}${at(t.testingCentre, t.testingCentreCode, t.sampleTime)}`,
      ),
      ...vaccinations.map((v) => `${RECORD_TEXT.v.zh} ${RECORD_TEXT.v.en}: ${v.doseNumber}/${v.totalDoses}, ${v.date}, ${label('vaccineProduct', v.product, 'en')}${at(v.vaccinationSite, v.vaccinationSiteCode, Date.parse(v.date) / 1000)}`),
    ],
    id,
  };
}

function dccRecord(type: 'v' | 't' | 'r', e: Record<string, unknown>): string {
  const head = `${RECORD_TEXT[type].zh} ${RECORD_TEXT[type].en}`;
  if (type === 'v') return `${head}: ${str(e.dn)}/${str(e.sd)}, ${str(e.dt)}, ${label('vaccineProduct', str(e.mp), 'en')}`;
  if (type === 't') {
    const result = str(e.tr);
    return `${head}: ${both(label('testType', str(e.tt), 'zh'), label('testType', str(e.tt), 'en'))}, ${str(e.sc)}, ${both(label('testResult', result, 'zh'), label('testResult', result, 'en'))}`;
  }
  return `${head}: ${str(e.fr)}, valid ${str(e.df)} – ${str(e.du)}`;
}

/** "中文 English", or one of them when they are the same (a code without a label). */
function both(zh: string, en: string): string {
  return zh === en ? en : `${zh} ${en}`;
}

/** The multi-line summary for one code. */
export function textSummary(v: RuledVerdict, label?: string): string {
  const lines: string[] = [];
  const head = headOf(v);
  const what = v.format ? `${FORMAT_TEXT[v.format].zh} ${FORMAT_TEXT[v.format].en}` : '';
  lines.push([head, what && `— ${what}`, label && `[${label}]`].filter(Boolean).join('  '));
  if (v.outcome?.missing.length) {
    lines.push('  缺少 Missing:');
    for (const m of v.outcome.missing) lines.push(`  - ${missingText(m)}`);
  } else if (v.errors.length) {
    lines.push('  原因 Reasons:');
    for (const e of v.errors) lines.push(`  - [${e.code}] ${ERROR_TEXT[e.code].zh} / ${ERROR_TEXT[e.code].en}: ${e.message}`);
  }
  if (v.certificate) {
    const h = holderOf(v.certificate, v.sources);
    lines.push(`  姓名 Name:            ${h.name ?? '—'}${h.nameLatin ? ` (${h.nameLatin})` : ''}`);
    lines.push(`  出生日期 Born:        ${h.dob ?? '—'}`);
    lines.push(`  证件 Document:        ${h.document ?? '— (无 none)'}`);
    for (const r of h.records) lines.push(`  记录 Record:          ${r}`);
    if (h.id) lines.push(`  证明编号 Certificate: ${h.id}`);
    const signed = [v.issuer && `签发 issuer ${v.issuer}`, v.kid && `kid ${v.kid}`, v.issuedAt !== null && `签发于 issued ${day(v.issuedAt)}`, v.expiresAt !== null && `有效至 expires ${day(v.expiresAt)}`];
    lines.push(`  签名 Signature:       ${signed.filter(Boolean).join(', ')}`);
  } else if (v.stages.claims) {
    lines.push('  签名未通过验证，内容不予显示 / The signature did not verify, so the content is not shown.');
  }
  lines.push(...rulesText(v.rules));
  return lines.map(printable).join('\n');
}

/** One line per code, for `verify -` and several codes, without --json: led by the line number or where the code came from. */
export function textLine(v: RuledVerdict, where: number | string): string {
  const head = headOf(v);
  const parts = [`${where}`, head];
  if (v.outcome?.missing.length) parts.push(v.outcome.missing.map(missingText).join('; '));
  else if (v.errors.length) parts.push(v.errors.map((e) => `${e.code} ${ERROR_TEXT[e.code].zh}`).join('; '));
  if (v.certificate) {
    const h = holderOf(v.certificate);
    // An HC1 code holds one record: named, so that the codes of one page can be told apart.
    const record = v.certificate.format === 'dcc' ? h.records[0] : undefined;
    parts.push([h.nameLatin ?? h.name, h.dob, h.document, record].filter(Boolean).join(' · '));
  }
  const brief = rulesBrief(v.rules);
  if (brief) parts.push(brief);
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

function day(s: number): string {
  return new Date(s * 1000).toISOString().slice(0, 10);
}

function str(v: unknown): string {
  return v === undefined || v === null ? '?' : String(v);
}
