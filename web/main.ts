/**
 * The web verifier page: collects a code (camera, image or PDF, paste), the officer's trust list,
 * authority key and entry rules, and shows the verdict first — valid, invalid and why, or cannot
 * confirm and what is missing — then the readable summary (holder, each record, issuer) with details
 * on demand, all rendered from the shared view model and catalogue (core/view) in the officer's
 * language; Arabic right to left.
 *
 * What persists in this browser (localStorage): the language, the trust lists and CSCAs as loaded
 * (public data, re-verified on every start), the rules and the country. Never the private key:
 * it lives in this page's memory only.
 */
import { toBase64 } from '../core/bytes';
import { webCrypto } from '../core/crypto/webcrypto';
import type { OpeningKey } from '../core/seal';
import type { ValidationRule } from '../core/rules';
import {
  LANGS,
  LANG_NAMES,
  certificateView,
  documentLang,
  format,
  formatDateTime,
  formatDuration,
  isLang,
  preferredLang,
  rawValue,
  renderValue,
  textDirection,
  trustListValue,
  type CertificateView,
  type Lang,
  type MessageCode,
  type Params,
  type Section,
  type Value,
} from '../core/view';
import { t, type ChromeKey } from './i18n';
import { CameraScanner, DecoderUnavailable, NotAnImage, decodeImageFile, decodePdfFile, fileKind } from './scan';
import {
  NeedsCsca,
  OlderList,
  checkCode,
  mergeTrust,
  openingKeyFromPem,
  readCscas,
  readFileText,
  readRules,
  readTrust,
  sourceDirectory,
  trustState,
  type CheckContext,
  type CheckResult as VerifierResult,
  type TrustSource,
} from './verifier';
import { parseCertificate } from '../core/x509';

const crypto = webCrypto(globalThis.crypto.subtle);
/** The validation clock: the officer's chosen time (UTC) when set, else this device's clock. */
function now(): number {
  const at = ($('at') as HTMLInputElement | null)?.value;
  const t = at ? Date.parse(`${at.length === 16 ? at + ':00' : at}Z`) : NaN;
  return Math.floor((Number.isFinite(t) ? t : Date.now()) / 1000);
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/** A checked code with the validation time it was checked at, and whether the officer set that time by hand. */
type CheckResult = VerifierResult & { now: number; fixedTime: boolean };

async function check(code: string, ctx: CheckContext): Promise<CheckResult> {
  return { ...(await checkCode(code, ctx)), now: ctx.now, fixedTime: !!($('at') as HTMLInputElement).value };
}

const STORE = { lang: 'ithc.lang', trust: 'ithc.trust', cscas: 'ithc.cscas', cscaOrigin: 'ithc.cscaOrigin', rules: 'ithc.rules', country: 'ithc.country' };

/**
 * Where the CSCA in use came from: pinned by the officer (a file received by other means), or served
 * by the deployment this page came from (its /trustlist/csca.pem). A pinned CSCA is never replaced
 * by a served one.
 */
interface CscaOrigin {
  kind: 'pinned' | 'deployment';
  source: string;
}

/** One of several codes read from one image or PDF, with its result. */
interface FoundEntry {
  code: string;
  page?: number;
  /** 1-based place in reading order on its image or page. */
  index: number;
  result: CheckResult;
}

interface SavedTrust {
  source: string;
  text: string;
}

const state = {
  lang: 'en' as Lang,
  trust: [] as TrustSource[],
  savedTrust: [] as SavedTrust[],
  cscas: [] as Uint8Array[],
  cscaOrigin: null as CscaOrigin | null,
  keys: [] as OpeningKey[],
  keyKid: '' as string,
  rules: [] as ValidationRule[],
  rulesCountries: [] as string[],
  last: null as CheckResult | null,
  /** The codes of the last image or PDF that held several, each verified. */
  found: [] as FoundEntry[],
  trustMessage: null as null | { code: MessageCode; vars?: Params; kind?: 'warn' | 'error'; remains?: boolean },
  /** A note on the last list loaded (a version replaced), shown above the lists. */
  trustNote: null as null | { code: MessageCode; vars?: Params },
};

function store(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode or a full quota: the page still works, it just forgets on reload.
  }
}

function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function setStatus(id: string, text: string, kind?: 'warn' | 'error'): void {
  const e = $(id);
  e.textContent = text;
  e.className = `status${kind ? ' ' + kind : ''}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// --- language ---------------------------------------------------------------------------------

function applyLang(): void {
  const L = state.lang;
  document.documentElement.lang = documentLang(L);
  // Arabic right to left: the whole page mirrors (the CSS uses logical properties).
  document.documentElement.dir = textDirection(L);
  document.title = `${t(L, 'title')} · ITHC`;
  for (const e of document.querySelectorAll<HTMLElement>('[data-t]')) e.textContent = t(L, e.dataset.t as ChromeKey);
  $('camera').textContent = t(L, scanner ? 'stopCamera' : 'camera');
  renderTrustStatus();
  renderKeyStatus();
  renderRulesStatus();
  if ($('offline-status').dataset.ready) $('offline-status').textContent = t(L, 'offlineReady');
  if (state.last) renderResult(state.last);
  renderFound();
}

// --- trust ------------------------------------------------------------------------------------

function renderTrustStatus(): void {
  const L = state.lang;
  const csca = cscaLine(L);
  if (state.trustMessage) {
    // A failed load says what is still in use.
    const m = state.trustMessage;
    const lines = [format(L, m.code, m.vars)];
    if (m.remains)
      lines.push(
        state.trust.length
          ? format(L, 'trust.remains', {
              lists:
                state.trust
                  .filter((s) => s.kind !== 'sources')
                  .map((s) => renderValue(L, trustListValue(trustState(s, now()))))
                  .join('; ') || '—',
            })
          : format(L, 'trust.remainsNone'),
      );
    if (csca) lines.push(csca);
    setStatus('trust-status', lines.join('\n'), m.kind);
    return;
  }
  if (!state.trust.length) return setStatus('trust-status', [format(L, 'trust.statusNone'), csca].filter(Boolean).join('\n'), 'warn');
  const lines: string[] = [];
  if (state.trustNote) lines.push(format(L, state.trustNote.code, state.trustNote.vars));
  if (csca) lines.push(csca);
  let warn = false;
  for (const s of state.trust) {
    if (s.signed) {
      const sg = s.signed;
      lines.push(
        format(L, 'trust.statusSigned', {
          version: sg.version,
          csca: sg.csca,
          n: s.keys.length,
          revocations: sg.revocations,
          issued: formatDateTime(L, sg.issuedAt),
          age: formatDuration(L, sg.ageSeconds),
          max: formatDuration(L, sg.maxAge),
        }),
      );
      if (sg.stale) {
        warn = true;
        lines.push(format(L, 'trust.statusStale', { age: formatDuration(L, sg.ageSeconds), max: formatDuration(L, sg.maxAge) }));
      }
    } else if (s.sourceList) {
      const sl = s.sourceList;
      lines.push(
        format(L, 'trust.statusSources', {
          version: sl.version,
          csca: sl.csca,
          n: s.sources?.length ?? 0,
          issued: formatDateTime(L, sl.issuedAt),
          age: formatDuration(L, sl.ageSeconds),
        }),
      );
      if (sl.stale) lines.push(format(L, 'trust.statusStale', { age: formatDuration(L, sl.ageSeconds), max: formatDuration(L, sl.maxAge) }));
    } else lines.push(format(L, 'trust.statusDsc', { n: s.keys.length, source: s.source }));
    for (const w of s.warnings.slice(0, 3)) lines.push(w);
  }
  setStatus('trust-status', lines.join('\n'), warn ? 'warn' : undefined);
}

/** The CSCA in use and where it came from, for the trust status. */
function cscaLine(L: Lang): string {
  if (!state.cscas.length || !state.cscaOrigin) return '';
  let subject: string;
  try {
    subject = parseCertificate(state.cscas[0]).subject;
  } catch {
    subject = '?';
  }
  return state.cscaOrigin.kind === 'pinned'
    ? format(L, 'trust.cscaPinned', { subject, source: state.cscaOrigin.source })
    : format(L, 'trust.cscaDeployment', { subject, origin: state.cscaOrigin.source });
}

/** The saved copies of the lists in use (one per list identity: the version in use). */
function persistTrust(): void {
  store(STORE.trust, JSON.stringify(state.savedTrust));
}

/**
 * Verifies and adds a list. A newer version of a list in use replaces it (its saved copy too); an
 * older one is refused as a replay; any failure leaves what was in use, and says what that is.
 * Returns whether the list was taken.
 */
async function addTrust(text: string, source: string, persist = true): Promise<boolean> {
  try {
    const src = await readTrust(text, source, state.cscas, now(), crypto);
    const { trust, replaced } = mergeTrust(state.trust, src);
    state.trust = trust;
    const stamp = (x: TrustSource) => x.signed ?? x.sourceList;
    state.trustNote =
      replaced && stamp(replaced) && stamp(replaced)!.version !== stamp(src)!.version
        ? { code: 'trust.replaced', vars: { old: stamp(replaced)!.version, new: stamp(src)!.version } }
        : null;
    if (persist) {
      const drop = new Set([source, replaced?.source]);
      state.savedTrust = state.savedTrust.filter((s) => !drop.has(s.source)).concat({ source, text });
      persistTrust();
    }
    state.trustMessage = null;
    renderTrustStatus();
    return true;
  } catch (e) {
    state.trustMessage =
      e instanceof NeedsCsca
        ? { code: 'trust.needsCsca', kind: 'warn', remains: true }
        : e instanceof OlderList
          ? { code: 'trust.older', vars: { incoming: e.incoming.version, inUse: e.inUse.version }, kind: 'error', remains: true }
          : { code: 'trust.failed', vars: { reason: errorText(e) }, kind: 'error', remains: true };
    renderTrustStatus();
    return false;
  }
}

/** Sets the CSCA in use; lists loaded before it can now be checked. */
async function useCscas(cscas: Uint8Array[], origin: CscaOrigin): Promise<void> {
  state.cscas = cscas;
  state.cscaOrigin = origin;
  store(STORE.cscas, JSON.stringify(cscas.map(toBase64)));
  store(STORE.cscaOrigin, JSON.stringify(origin));
  for (const s of state.savedTrust) if (!state.trust.some((x) => x.source === s.source)) await addTrust(s.text, s.source, false);
}

/**
 * Served by a deployment (http or https), the page loads that deployment's own CSCA (unless the
 * officer pinned one) and signed trust list by itself, from its own origin, never another host.
 * Offline or on failure, what was saved stays in use. Opened as a file, nothing is fetched.
 */
async function loadDeploymentTrust(): Promise<void> {
  if (location.protocol !== 'https:' && location.protocol !== 'http:') return;
  const fetchText = async (path: string) => {
    const res = await fetch(new URL(path, location.origin).href, { credentials: 'omit', cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return readFileText(await res.blob());
  };
  if (state.cscaOrigin?.kind !== 'pinned') {
    try {
      const cscas = readCscas(await fetchText('/trustlist/csca.pem'));
      await useCscas(cscas, { kind: 'deployment', source: location.origin });
    } catch {
      // No CSCA served here (or offline): the officer loads one, or the saved one stays.
    }
  }
  const url = new URL('/trustlist/signed', location.origin).href;
  let text: string;
  try {
    text = await fetchText('/trustlist/signed');
  } catch {
    return;
  }
  if (state.cscas.length) await addTrust(text, url);
}

async function restore(): Promise<void> {
  try {
    const cscas = JSON.parse(load(STORE.cscas) ?? '[]') as string[];
    state.cscas = cscas.map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
    const origin = JSON.parse(load(STORE.cscaOrigin) ?? 'null') as CscaOrigin | null;
    state.cscaOrigin = state.cscas.length
      ? origin && (origin.kind === 'pinned' || origin.kind === 'deployment')
        ? origin
        : { kind: 'pinned', source: '?' }
      : null;
  } catch {
    state.cscas = [];
    state.cscaOrigin = null;
  }
  try {
    state.savedTrust = JSON.parse(load(STORE.trust) ?? '[]') as SavedTrust[];
  } catch {
    state.savedTrust = [];
  }
  for (const s of state.savedTrust) await addTrust(s.text, s.source, false);
  const rules = load(STORE.rules);
  if (rules) {
    try {
      setRules(readRules(rules).rules);
    } catch {
      store(STORE.rules, null);
    }
  }
  ($('country') as HTMLInputElement).value = load(STORE.country) ?? '';
}

// --- key --------------------------------------------------------------------------------------

function renderKeyStatus(): void {
  setStatus('key-status', state.keys.length ? t(state.lang, 'keyLoaded', { kid: state.keyKid }) : t(state.lang, 'keyNone'));
}

// --- rules ------------------------------------------------------------------------------------

function setRules(rules: ValidationRule[]): void {
  state.rules = rules;
  state.rulesCountries = [...new Set(rules.map((r) => r.Country))].sort();
}

function renderRulesStatus(): void {
  setStatus(
    'rules-status',
    state.rules.length ? t(state.lang, 'rulesLoaded', { n: state.rules.length, countries: state.rulesCountries.join(', ') }) : t(state.lang, 'rulesNone'),
  );
}

// --- verifying --------------------------------------------------------------------------------

async function verifyNow(code: string): Promise<void> {
  const L = state.lang;
  if (!code.trim()) {
    setStatus('input-status', t(L, 'emptyCode'), 'warn');
    return;
  }
  setStatus('input-status', '');
  const country = ($('country') as HTMLInputElement).value.trim().toUpperCase();
  const ctx = { trust: state.trust, keys: state.keys, rules: state.rules, country: country || undefined, now: now(), crypto };
  state.last = await check(code, ctx);
  // The other codes read from the same file are judged by the same trust list, clock and rules.
  if (state.found.some((f) => f.code === code)) {
    for (const f of state.found) f.result = f.code === code ? state.last : await check(f.code, ctx);
    renderFound();
  }
  renderResult(state.last);
  const section = $('result');
  section.hidden = false;
  section.focus({ preventScroll: true });
  section.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

/** The view of a checked code (core/view): the same sections every surface shows. */
function viewOf(r: CheckResult): CertificateView {
  return certificateView(r.verdict, {
    now: r.now,
    outcome: r.outcome,
    trust: r.trust,
    sources: sourceDirectory(state.trust),
    ...(r.rules ? { rules: r.rules } : {}),
    fixedTime: r.fixedTime,
  });
}

/** A value of the view as an element: its text in the officer's language, its raw form (ISO date, code) in data-value. */
function valueEl<K extends 'dd' | 'span' | 'p' | 'li'>(tag: K, v: Value, cls?: string): HTMLElementTagNameMap[K] {
  const e = el(tag, renderValue(state.lang, v), cls);
  e.dataset.value = rawValue(v);
  return e;
}

/** Sections of the view: a heading each, a heading per record, and the lines as a definition list. */
function renderSections(box: HTMLElement, sections: readonly Section[], level: 'h3' | 'h4'): void {
  const L = state.lang;
  for (const s of sections) {
    const section = el('section', undefined, `view-section ${s.key}`);
    section.dataset.section = s.key;
    section.appendChild(el(level, renderValue(L, s.title)));
    for (const item of s.items) {
      const dl = el('dl');
      dl.dataset.item = item.key;
      if (item.title && s.items.length > 1) section.appendChild(el(level === 'h3' ? 'h4' : 'h5', renderValue(L, item.title), 'record-title'));
      for (const l of item.lines) {
        dl.appendChild(el('dt', renderValue(L, l.label)));
        const dd = valueEl('dd', l.value);
        dd.dataset.line = l.key;
        // The holder's lines keep their ids (holder-name, holder-dob, holder-document).
        if (s.key === 'holder') dd.id = l.key.replace('.', '-');
        dl.appendChild(dd);
      }
      section.appendChild(dl);
    }
    box.appendChild(section);
  }
}

function renderResult(r: CheckResult): void {
  const L = state.lang;
  const view = viewOf(r);
  const vv = view.verdict;
  const verdict = $('verdict');
  verdict.replaceChildren();
  const o = vv.kind;
  verdict.className = `verdict ${o === 'valid' ? 'ok' : o === 'cannot-check' ? 'warn' : 'bad'}`;
  verdict.dataset.valid = String(o === 'valid');
  verdict.dataset.verdict = o;
  verdict.appendChild(el('p', verdictWord(L, o), 'word'));
  if (view.format) verdict.appendChild(el('p', format(L, view.format), 'format'));
  verdict.appendChild(el('p', format(L, vv.lead)));
  if (vv.missing.length || vv.reasons.length) {
    const ul = el('ul');
    for (const m of vv.missing) {
      const li = valueEl('li', m.text);
      li.dataset.missing = m.kind;
      ul.appendChild(li);
    }
    for (const e of vv.reasons) {
      const li = valueEl('li', e.text);
      li.dataset.code = e.code;
      ul.appendChild(li);
    }
    verdict.appendChild(ul);
  }
  for (const n of vv.notes) verdict.appendChild(valueEl('p', n, 'hint'));
  // Beside every verdict: the lists it was checked against, whose, how old, their maximum age.
  const trustP = valueEl('p', vv.trust, 'trust-line');
  trustP.id = 'verdict-trust';
  verdict.appendChild(trustP);

  // The readable summary on top of every verdict: holder, records, issuer (only from a verified certificate).
  const summary = $('summary');
  summary.replaceChildren();
  renderSections(summary, view.summary, 'h3');

  const rules = $('rules-result');
  rules.replaceChildren();
  const country = ($('country') as HTMLInputElement).value.trim().toUpperCase();
  if (view.rules) {
    const rv = view.rules;
    const box = el('div', undefined, `rules ${rv.result === 'passed' ? 'ok' : 'bad'}`);
    box.dataset.result = rv.result;
    box.appendChild(valueEl('p', rv.head));
    if (rv.basis) box.appendChild(valueEl('p', rv.basis, 'hint'));
    const ul = el('ul');
    for (const x of rv.rules)
      ul.appendChild(el('li', `${x.ruleId} — ${renderValue(L, x.word)}: ${renderValue(L, x.description)}${x.reason ? ` (${x.reason})` : ''}`));
    box.appendChild(ul);
    rules.appendChild(box);
  } else if (r.verdict.certificate && country && state.rules.length) {
    rules.appendChild(el('p', format(L, 'rules.none', { country }), 'hint'));
  }

  const body = $('details-body');
  body.replaceChildren();
  renderSections(body, view.details, 'h3');
}

function verdictWord(L: Lang, o: CheckResult['outcome']['verdict']): string {
  return o === 'valid' ? `✓ ${format(L, 'verdict.valid')}` : o === 'cannot-check' ? `? ${format(L, 'verdict.cannot')}` : `✗ ${format(L, 'verdict.invalid')}`;
}

// --- input ------------------------------------------------------------------------------------

let scanner: CameraScanner | null = null;

async function toggleCamera(): Promise<void> {
  const L = state.lang;
  if (scanner) {
    scanner.stop();
    scanner = null;
    $('camera-box').hidden = true;
    $('camera').textContent = t(L, 'camera');
    return;
  }
  const s = new CameraScanner($('video') as HTMLVideoElement);
  scanner = s;
  $('camera-box').hidden = false;
  $('camera').textContent = t(L, 'stopCamera');
  const stopped = () => {
    scanner = null;
    $('camera-box').hidden = true;
    $('camera').textContent = t(state.lang, 'camera');
  };
  try {
    await s.start(
      (code) => {
        stopped();
        showFound([]);
        ($('code') as HTMLTextAreaElement).value = code;
        setStatus('input-status', t(state.lang, 'scanned'));
        void verifyNow(code);
      },
      (e) => {
        stopped();
        setStatus('input-status', t(state.lang, 'scannerFailed', { reason: errorText(e) }), 'error');
      },
    );
    setStatus('input-status', t(L, 'cameraOn'));
  } catch (e) {
    s.stop();
    scanner = null;
    $('camera-box').hidden = true;
    $('camera').textContent = t(L, 'camera');
    setStatus('input-status', t(L, 'cameraFailed', { reason: errorText(e) }), 'error');
  }
}

/** Why a file gave no code, in the officer's words. */
function readFailure(e: unknown, pdf: boolean): { key: ChromeKey; vars?: Record<string, string> } {
  const reason = errorText(e);
  if (e instanceof DecoderUnavailable) return { key: 'scannerFailed', vars: { reason } };
  if (e instanceof NotAnImage) return e.known ? { key: 'imageUnreadable', vars: { reason } } : { key: 'notImageOrPdf' };
  return pdf ? { key: 'pdfFailed', vars: { reason } } : { key: 'imageUnreadable', vars: { reason } };
}

/**
 * An image or PDF: every code in it, in reading order. One code is verified and shown as a pasted
 * one; several are each verified and listed, the first shown in full, any other on a click.
 */
async function onImage(file: File): Promise<void> {
  const L = state.lang;
  showFound([]);
  let found: Array<{ text: string; page?: number }>;
  let pdf = false;
  try {
    // What the bytes are decides, not the name or the type the sender gave the file.
    pdf = (await fileKind(file)) === 'pdf';
    found = pdf ? await decodePdfFile(file, document.baseURI) : await decodeImageFile(file);
  } catch (e) {
    const f = readFailure(e, pdf);
    setStatus('input-status', t(L, f.key, f.vars), 'error');
    return;
  }
  if (!found.length) {
    setStatus('input-status', t(L, 'noQrFound'), 'warn');
    return;
  }
  if (found.length === 1) {
    ($('code') as HTMLTextAreaElement).value = found[0].text;
    setStatus('input-status', t(L, 'scanned'));
    await verifyNow(found[0].text);
    return;
  }
  const country = ($('country') as HTMLInputElement).value.trim().toUpperCase() || undefined;
  const entries: FoundEntry[] = [];
  const perPage = new Map<number, number>();
  for (const c of found) {
    const index = (perPage.get(c.page ?? 0) ?? 0) + 1;
    perPage.set(c.page ?? 0, index);
    entries.push({
      code: c.text,
      page: c.page,
      index,
      result: await check(c.text, { trust: state.trust, keys: state.keys, rules: state.rules, country, now: now(), crypto }),
    });
  }
  showFound(entries);
  await showFoundEntry(0);
  setStatus('input-status', t(L, 'scannedSeveral', { n: entries.length }));
}

function showFound(entries: FoundEntry[]): void {
  state.found = entries;
  renderFound();
}

/** The list of codes read from one file: verdict, format, where, holder; the one shown is marked. */
function renderFound(): void {
  const L = state.lang;
  const box = $('found');
  const list = $('found-list');
  list.replaceChildren();
  box.hidden = state.found.length === 0;
  if (!state.found.length) return;
  $('found-title').textContent = t(L, 'foundTitle', { n: state.found.length });
  const shown = ($('code') as HTMLTextAreaElement).value;
  state.found.forEach((f, i) => {
    const v = f.result.verdict;
    const o = f.result.outcome.verdict;
    const where = f.page !== undefined ? t(L, 'foundOnPage', { page: f.page, index: f.index }) : t(L, 'foundInImage', { index: f.index });
    const parts = [verdictWord(L, o), v.format ? format(L, `format.${v.format}`) : '', where, f.result.holder?.name ?? ''];
    const button = el('button', parts.filter(Boolean).join(' · '), `found-item ${o === 'valid' ? 'ok' : o === 'cannot-check' ? 'warn' : 'bad'}`);
    button.type = 'button';
    button.dataset.valid = String(o === 'valid');
    button.dataset.verdict = o;
    if (f.code === shown) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => void showFoundEntry(i));
    const li = el('li');
    li.appendChild(button);
    list.appendChild(li);
  });
}

async function showFoundEntry(i: number): Promise<void> {
  const f = state.found[i];
  if (!f) return;
  ($('code') as HTMLTextAreaElement).value = f.code;
  renderFound();
  await verifyNow(f.code);
}

function fileInput(id: string, handler: (file: File) => Promise<void>): void {
  const input = $(id) as HTMLInputElement;
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void handler(f).finally(() => (input.value = ''));
  });
}

function wire(): void {
  const langSelect = $('lang') as HTMLSelectElement;
  for (const l of LANGS) {
    const o = el('option', LANG_NAMES[l]);
    o.value = l;
    o.lang = documentLang(l);
    o.dir = textDirection(l);
    langSelect.appendChild(o);
  }
  langSelect.value = state.lang;
  langSelect.addEventListener('change', () => {
    state.lang = isLang(langSelect.value) ? langSelect.value : 'en';
    store(STORE.lang, state.lang);
    applyLang();
  });

  $('verify').addEventListener('click', () => void verifyNow(($('code') as HTMLTextAreaElement).value));
  ($('code') as HTMLTextAreaElement).addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void verifyNow(($('code') as HTMLTextAreaElement).value);
    }
  });
  $('clear').addEventListener('click', () => {
    ($('code') as HTMLTextAreaElement).value = '';
    showFound([]);
    state.last = null;
    $('result').hidden = true;
    setStatus('input-status', '');
    $('code').focus();
  });
  // Editing the code by hand leaves the list of codes read from a file behind.
  $('code').addEventListener('input', () => showFound([]));
  $('camera').addEventListener('click', () => void toggleCamera());
  fileInput('image-file', onImage);

  fileInput('csca-file', async (f) => {
    try {
      if (f.size > 1024 * 1024) throw new Error(`the file is ${f.size} bytes; a certificate is far smaller`);
      const bytes = new Uint8Array(await f.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      // Parsed as X.509 and required to be a CA before anything is kept.
      const cscas = /-----BEGIN/.test(text) ? readCscas(text) : readCscas(bytes);
      state.trustMessage = null;
      // Lists verified with another CSCA are checked again with this one.
      state.trust = state.trust.filter((s) => s.kind === 'dsc');
      await useCscas(cscas, { kind: 'pinned', source: f.name });
    } catch (e) {
      state.trustMessage = { code: 'trust.cscaFailed', vars: { reason: errorText(e) }, kind: 'error', remains: true };
    }
    renderTrustStatus();
  });
  fileInput('trust-file', async (f) => {
    try {
      await addTrust(await readFileText(f), f.name);
    } catch (e) {
      state.trustMessage = { code: 'trust.failed', vars: { reason: errorText(e) }, kind: 'error', remains: true };
      renderTrustStatus();
    }
  });
  const loadTrustFromUrl = async () => {
    const url = ($('trust-url') as HTMLInputElement).value.trim();
    if (!url) return;
    try {
      const res = await fetch(url, { credentials: 'omit', cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await addTrust(await readFileText(await res.blob()), url);
    } catch (e) {
      state.trustMessage = { code: 'trust.failed', vars: { reason: errorText(e) }, kind: 'error', remains: true };
      renderTrustStatus();
    }
  };
  $('trust-load').addEventListener('click', () => void loadTrustFromUrl());
  $('trust-clear').addEventListener('click', () => {
    state.trust = [];
    state.savedTrust = [];
    state.trustNote = null;
    store(STORE.trust, null);
    state.trustMessage = { code: 'trust.cleared' };
    renderTrustStatus();
    state.trustMessage = null;
  });
  fileInput('key-file', async (f) => {
    try {
      const { key, kid } = await openingKeyFromPem(await readFileText(f), globalThis.crypto.subtle);
      state.keys = [key];
      state.keyKid = kid;
      renderKeyStatus();
    } catch (e) {
      setStatus('key-status', t(state.lang, 'keyFailed', { reason: errorText(e) }), 'error');
    }
  });
  fileInput('rules-file', async (f) => {
    try {
      const r = readRules(await readFileText(f));
      setRules(r.rules);
      store(STORE.rules, JSON.stringify(r.rules));
      renderRulesStatus();
      if (r.problems.length)
        setStatus(
          'rules-status',
          `${t(state.lang, 'rulesLoaded', { n: r.rules.length, countries: state.rulesCountries.join(', ') })} ${r.problems.slice(0, 3).join('; ')}`,
          'warn',
        );
    } catch (e) {
      setStatus('rules-status', t(state.lang, 'rulesFailed', { reason: errorText(e) }), 'error');
    }
  });
  $('at').addEventListener('change', () => {
    if (state.last) void verifyNow(($('code') as HTMLTextAreaElement).value);
  });
  $('country').addEventListener('change', () => {
    const c = ($('country') as HTMLInputElement).value.trim().toUpperCase();
    ($('country') as HTMLInputElement).value = c;
    store(STORE.country, c || null);
    if (state.last) void verifyNow(($('code') as HTMLTextAreaElement).value);
  });
}

async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  try {
    await navigator.serviceWorker.register('sw.js', { scope: './' });
    await navigator.serviceWorker.ready;
    $('offline-status').textContent = t(state.lang, 'offlineReady');
    $('offline-status').dataset.ready = 'true';
  } catch {
    // Without a service worker the page still works online.
  }
}

async function main(): Promise<void> {
  const saved = load(STORE.lang);
  state.lang = isLang(saved) ? saved : preferredLang(navigator.languages ?? [navigator.language]);
  wire();
  await restore();
  await loadDeploymentTrust();
  applyLang();
  // Served by a deployment (its public address), the signed trust list is at the same origin:
  // offered as the address to load, never a guess at another host. Opened as a file, nothing is.
  const trustUrl = $('trust-url') as HTMLInputElement;
  if (!trustUrl.value && (location.protocol === 'https:' || location.protocol === 'http:')) trustUrl.value = new URL('/trustlist/signed', location.origin).href;
  $('settings').toggleAttribute('open', state.trust.length === 0);
  document.body.dataset.ready = 'true';
  void registerServiceWorker();
}

void main();
