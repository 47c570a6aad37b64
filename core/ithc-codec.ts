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
import { ITHC_LIMITS, ITHC_VERSION, type AntibodyTest, type IthcCertificate, type IthcCertificateInput, type IthcHolder, type Vaccination, type ViralTest } from './ithc-model';
import type { CertificateType } from './keys';
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
    | { version: number; id: string; issuer: string; holder: IthcHolder; tests?: ViralTest[]; antibodyTests?: AntibodyTest[]; vaccinations?: Vaccination[] }
    | undefined;
  if (value instanceof Map) crossChecks(value, p);
  const problems = p.result();
  if (!raw || problems.length) return { problems };
  const tests = raw.tests ?? [];
  const antibodyTests = raw.antibodyTests ?? [];
  const vaccinations = raw.vaccinations ?? [];
  const certificate: IthcCertificate = {
    version: raw.version,
    id: raw.id,
    issuer: raw.issuer,
    holder: raw.holder,
    tests,
    antibodyTests,
    vaccinations,
    recordTypes: recordTypes(tests.length + antibodyTests.length, vaccinations.length),
  };
  return { certificate, problems };
}

function recordTypes(testCount: number, vaccinationCount: number): CertificateType[] {
  const t: CertificateType[] = [];
  if (testCount) t.push('t');
  if (vaccinationCount) t.push('v');
  return t;
}

/** Rules that span fields, checked on the raw maps so they report even when a field is bad. */
function crossChecks(m: Map<CborValue, CborValue>, p: Problems): void {
  const C = ITHC_KEYS.certificate;
  const H = ITHC_KEYS.holder;
  const A = ITHC_KEYS.antibodyTest;
  const T = ITHC_KEYS.test;
  const root: Path = { name: '', keys: [] };
  const holder = m.get(C.holder);
  if (holder instanceof Map) {
    const at = child(root, 'holder', C.holder);
    if (!holder.has(H.surname) && !holder.has(H.givenName)) p.add(at, `needs a surname or a given name in Chinese characters (key ${H.surname} or ${H.givenName})`);
    if (!holder.has(H.surnameLatin) && !holder.has(H.givenNameLatin)) p.add(at, `needs a transliterated surname or given name (key ${H.surnameLatin} or ${H.givenNameLatin})`);
  }
  let records = 0;
  for (const key of [C.tests, C.antibodyTests, C.vaccinations]) {
    const list = m.get(key);
    if (Array.isArray(list)) records += list.length;
  }
  if (records === 0) p.add(root, 'carries no test, antibody test or vaccination; a certificate needs at least one record');
  const antibody = m.get(C.antibodyTests);
  if (Array.isArray(antibody) && antibody.length <= ITHC_LIMITS.maxRecords) {
    antibody.forEach((a, i) => {
      if (!(a instanceof Map)) return;
      const at = child(child(root, 'antibodyTests', C.antibodyTests), i, i);
      if (a.has(A.value) && !a.has(A.unit)) p.add(at, `has a quantitative value (key ${A.value}) without its unit (key ${A.unit})`);
      if (a.has(A.cutoff) && !a.has(A.unit)) p.add(at, `has a positivity threshold (key ${A.cutoff}) without its unit (key ${A.unit})`);
      if (a.has(A.unit) && !a.has(A.value) && !a.has(A.cutoff)) p.add(at, `has a unit (key ${A.unit}) without a quantitative value (key ${A.value}) or threshold (key ${A.cutoff})`);
      if (a.has(A.comparator) && !a.has(A.value)) p.add(at, `has a comparator (key ${A.comparator}) without a quantitative value (key ${A.value})`);
      if (a.has(A.manufacturer) && typeof a.get(A.assay) === 'number') p.add(at, `has a manufacturer (key ${A.manufacturer}) beside an assay code (key ${A.assay}), which names the manufacturer already`);
    });
  }
  const tests = m.get(C.tests);
  if (Array.isArray(tests) && tests.length <= ITHC_LIMITS.maxRecords) {
    tests.forEach((t, i) => {
      if (!(t instanceof Map)) return;
      const sample = t.get(T.sampleTime);
      const report = t.get(T.reportTime);
      if (typeof sample === 'number' && typeof report === 'number' && report < sample) {
        p.add(child(child(root, 'tests', C.tests), i, i), `reports its result (key ${T.reportTime}) before the sample was taken (key ${T.sampleTime})`);
      }
    });
  }
}

/**
 * The certificate as CBOR for signing (claim -65537). Empty lists are left out, so one
 * certificate has one encoding. Throws TypeError when the certificate is not valid: issuing an
 * invalid certificate is a bug in the caller.
 */
export function ithcToCbor(cert: IthcCertificateInput): CborValue {
  if (cert === null || typeof cert !== 'object') throw new TypeError('ithcToCbor needs a certificate object');
  const input: Record<string, unknown> = {
    version: ITHC_VERSION,
    id: cert.id,
    issuer: cert.issuer,
    holder: cert.holder,
  };
  for (const k of ['tests', 'antibodyTests', 'vaccinations'] as const) {
    const list = cert[k];
    if (list !== undefined && (!Array.isArray(list) || list.length > 0)) input[k] = list;
  }
  const value = certificateKind.encode(input, 'certificate', {});
  const { problems } = readIthc(value);
  if (problems.length) throw new TypeError(`invalid ITHC certificate: ${problems.join('; ')}`);
  return value;
}

/**
 * A source's names, looked up by its code in the published source list (core/sourcelist.ts
 * SourceDirectory.names). The certificate carries only the code; a verifier that holds the list
 * shows the names.
 */
export type SourceNames = (code: number) => { readonly name: string; readonly nameLatin?: string } | undefined;

/**
 * Plain JSON for display and `--json` output: readable names, instants as ISO 8601 UTC. With
 * `sources`, a source given by code also gets its names beside the code (`testingCentre` and
 * `testingCentreLatin`, `vaccinationSite` and `vaccinationSiteLatin`), for display only: the
 * certificate says the code.
 */
export function ithcToJson(cert: IthcCertificate, opts: { sources?: SourceNames } = {}): Record<string, unknown> {
  const time = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const named = (code: number | undefined, field: string): Record<string, string> => {
    const n = code !== undefined ? opts.sources?.(code) : undefined;
    return n ? { [field]: n.name, ...(n.nameLatin !== undefined ? { [`${field}Latin`]: n.nameLatin } : {}) } : {};
  };
  return {
    version: cert.version,
    id: cert.id,
    issuer: cert.issuer,
    holder: { ...cert.holder },
    tests: cert.tests.map((t) => ({
      ...t,
      ...named(t.testingCentreCode, 'testingCentre'),
      sampleTime: time(t.sampleTime),
      ...(t.reportTime !== undefined ? { reportTime: time(t.reportTime) } : {}),
    })),
    antibodyTests: cert.antibodyTests.map((t) => ({ ...t, ...named(t.testingCentreCode, 'testingCentre'), sampleTime: time(t.sampleTime) })),
    vaccinations: cert.vaccinations.map((v) => ({ ...v, ...named(v.vaccinationSiteCode, 'vaccinationSite') })),
    recordTypes: [...cert.recordTypes],
  };
}
