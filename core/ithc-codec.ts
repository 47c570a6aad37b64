/**
 * Reading and writing the ITHC certificate's CBOR form (claim -65537), encoded deterministically
 * (cbor.ts encodeStrict).
 *
 * Two channels, as everywhere in the core: `ithcToCbor` throws TypeError when the calling code
 * hands it a certificate that is not valid (our bug); `readIthc` reads what arrived and reports
 * every problem it finds, as text for SCHEMA_INVALID.
 */
import type { CborValue } from './cbor';
import { certificateKind, ITHC_KEYS } from './ithc-fields';
import { child, Problems, type Path } from './ithc-kinds';
import { ITHC_LIMITS, ITHC_VERSION, type IthcCertificate, type IthcCertificateInput, type IthcHolder, type SourceNames } from './ithc-model';
import type { CertificateType } from './keys';
import { RECORD_KIND_LIST, RECORD_KINDS, entryPath, placeCodeOf, recordKind, type RecordList } from './record-kinds';

export type { SourceNames };
/**
 * Reads a certificate from its CBOR value (the claim -65537), reporting every problem. The
 * certificate is returned only when there are none.
 */
export function readIthc(value: CborValue): { certificate?: IthcCertificate; problems: string[] } {
  const p = new Problems();
  const root: Path = { name: '', keys: [] };
  if (value instanceof Map) {
    // A version we do not know may mean anything by its keys: say so and read no further.
    const ver = value.get(ITHC_KEYS.certificate.version);
    if (typeof ver === 'number' && Number.isInteger(ver) && ver !== ITHC_VERSION) {
      p.add(child(root, 'version', ITHC_KEYS.certificate.version), `ITHC format version ${ver} is not supported; this verifier reads version ${ITHC_VERSION}`);
      return { problems: p.result() };
    }
  }
  const raw = certificateKind.decode(value, root, p, {}) as
    ({ version: number; id: string; issuer: string; holder: IthcHolder } & Partial<Pick<IthcCertificate, RecordList>>) | undefined;
  if (value instanceof Map) crossChecks(value, p);
  const problems = p.result();
  if (!raw || problems.length) return { problems };
  const lists = Object.fromEntries(RECORD_KIND_LIST.map((k) => [RECORD_KINDS[k].list, raw[RECORD_KINDS[k].list] ?? []])) as unknown as Pick<
    IthcCertificate,
    RecordList
  >;
  const certificate: IthcCertificate = { version: raw.version, id: raw.id, issuer: raw.issuer, holder: raw.holder, ...lists, recordTypes: recordTypes(lists) };
  return { certificate, problems };
}

/** What a signing key must be allowed to sign: each kind present asks for its key usage, in the order of the kinds. */
function recordTypes(lists: Pick<IthcCertificate, RecordList>): CertificateType[] {
  const t: CertificateType[] = [];
  for (const k of RECORD_KIND_LIST) {
    const d = RECORD_KINDS[k];
    if (lists[d.list].length && !t.includes(d.keyUsage)) t.push(d.keyUsage);
  }
  // 't' before 'v', whatever the order of the kinds that asked.
  return t.sort();
}

/** Rules that span fields, checked on the raw maps so they report even when a field is bad. */
function crossChecks(m: Map<CborValue, CborValue>, p: Problems): void {
  const C = ITHC_KEYS.certificate;
  const H = ITHC_KEYS.holder;
  const root: Path = { name: '', keys: [] };
  const holder = m.get(C.holder);
  if (holder instanceof Map) {
    const at = child(root, 'holder', C.holder);
    if (!holder.has(H.surname) && !holder.has(H.givenName))
      p.add(at, `needs a surname or a given name in Chinese characters (key ${H.surname} or ${H.givenName})`);
    if (!holder.has(H.surnameLatin) && !holder.has(H.givenNameLatin))
      p.add(at, `needs a transliterated surname or given name (key ${H.surnameLatin} or ${H.givenNameLatin})`);
  }
  let records = 0;
  for (const k of RECORD_KIND_LIST) {
    const list = m.get(C[RECORD_KINDS[k].list]);
    if (Array.isArray(list)) records += list.length;
  }
  const nouns = RECORD_KIND_LIST.map((k) => RECORD_KINDS[k].noun);
  if (records === 0) p.add(root, `carries no ${nouns.slice(0, -1).join(', ')} or ${nouns[nouns.length - 1]}; a certificate needs at least one record`);
  for (const k of RECORD_KIND_LIST) {
    const check = RECORD_KINDS[k].check;
    const list = m.get(C[RECORD_KINDS[k].list]);
    if (!check || !Array.isArray(list) || list.length > ITHC_LIMITS.maxRecords) continue;
    list.forEach((e, i) => {
      if (e instanceof Map) check(e, entryPath(k, i), p);
    });
  }
}

/**
 * The certificate as CBOR for signing (claim -65537). Empty lists are left out, so one
 * certificate has one encoding. Throws TypeError when the certificate is not valid: issuing an
 * invalid certificate is a bug in the caller.
 */
export function ithcToCbor(cert: IthcCertificateInput): CborValue {
  const { value, problems } = encodeIthc(cert);
  if (problems.length) throw new TypeError(`invalid ITHC certificate: ${problems.join('; ')}`);
  return value;
}

/**
 * The certificate as CBOR for signing, and read back as every verifier will read it: the
 * certificate when the value is valid, else readIthc's problems. For an issuer whose contents come
 * from records it does not control, where a certificate that is not valid is bad data, not a bug.
 * Throws TypeError only for input that is not a certificate object at all.
 */
export function encodeIthc(cert: IthcCertificateInput): { value: CborValue; certificate?: IthcCertificate; problems: string[] } {
  if (cert === null || typeof cert !== 'object') throw new TypeError('encoding an ITHC certificate needs a certificate object');
  const input: Record<string, unknown> = {
    version: ITHC_VERSION,
    id: cert.id,
    issuer: cert.issuer,
    holder: cert.holder,
  };
  for (const k of RECORD_KIND_LIST) {
    const name = RECORD_KINDS[k].list;
    const list = cert[name];
    if (list !== undefined && (!Array.isArray(list) || list.length > 0)) input[name] = list;
  }
  const value = certificateKind.encode(input, 'certificate', {});
  return { value, ...readIthc(value) };
}

/**
 * Plain JSON for display and `--json` output: readable names, instants as ISO 8601 UTC. With
 * `sources`, a source given by code also gets its names beside the code (`testingCentre` and
 * `testingCentreLatin`, `vaccinationSite` and `vaccinationSiteLatin`: the kind's place), for
 * display only: the certificate says the code.
 */
export function ithcToJson(cert: IthcCertificate, opts: { sources?: SourceNames } = {}): Record<string, unknown> {
  const time = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const named = (code: number | undefined, field: string): Record<string, string> => {
    const n = code !== undefined ? opts.sources?.(code) : undefined;
    return n ? { [field]: n.name, ...(n.nameLatin !== undefined ? { [`${field}Latin`]: n.nameLatin } : {}) } : {};
  };
  const out: Record<string, unknown> = { version: cert.version, id: cert.id, issuer: cert.issuer, holder: { ...cert.holder } };
  for (const k of RECORD_KIND_LIST) {
    const d = recordKind(k);
    out[d.list] = cert[d.list].map((e) => {
      const o: Record<string, unknown> = { ...e, ...named(placeCodeOf(k, e), d.place) };
      // An instant keeps its place among the fields; an absent one stays absent.
      for (const f of d.instants) if (typeof o[f] === 'number') o[f] = time(o[f]);
      return o;
    });
  }
  out.recordTypes = [...cert.recordTypes];
  return out;
}
