/**
 * The record-kind registry (core/record-kinds.ts, server/records/kinds.ts): every kind it names
 * goes the whole way, through the code production runs. A record of the kind validates, arrives
 * by our JSON and by FHIR from a source that may send it (and is refused from one that may not),
 * reads back from the store, goes into its own list of a certificate that encodes and decodes, into
 * an HC1 code of its own when the DCC can carry it (linked to the record it came from), and shows
 * as lines with words in every language. A kind added to the registry without one of these fails
 * here; the example tables are typed by kind, so a kind without an example does not typecheck.
 */
import { ithcToCbor, ithcToJson, readIthc, ITHC_LIMITS } from '../../core/ithc';
import { RECORD_KIND_LIST, RECORD_KINDS, type RecordKind } from '../../core/record-kinds';
import { CATALOGUE, LANGS, certificateSections, type Value } from '../../core/view';
import { buildCertificate, buildDccs } from '../../server/issuance/build';
import { COMMON_FIELDS, SERVER_RECORD_KINDS } from '../../server/records/kinds';
import { LocalRecordSource } from '../../server/records/sources';
import type { SourceDoc } from '../../server/records/record-id';
import type { HealthRecord } from '../../server/records/types';
import { validateRecord } from '../../server/records/validate';
import * as F from '../ingest/fhir-fixtures';
import { LAB, NOW, PEOPLE, SITE, bench, iggJson, naatJson, vaccinationJson, type Bench } from '../ingest/helpers';

/** One record of each kind in our JSON, as a source sends it. */
const JSON_EXAMPLES: { readonly [K in RecordKind]: () => Record<string, unknown> } = {
  naat: () => naatJson(),
  igg: () => iggJson(),
  vaccination: () => vaccinationJson(),
};

/** One record of each kind in a FHIR Bundle's entries, with the resources it references. */
const FHIR_EXAMPLES: { readonly [K in RecordKind]: () => Array<{ resource: { resourceType: string } }> } = {
  naat: () => [F.patient(), F.labOrganization(), F.naatObservation()],
  igg: () => [F.patient(), F.labOrganization(), F.iggQuantObservation()],
  vaccination: () => [F.patientById(), F.siteLocation(), F.immunization()],
};

/** The bench's demo source of each type. */
const SOURCE_OF_TYPE: Readonly<Record<SourceDoc['type'], string>> = { lab: LAB, 'vaccination-site': SITE };

const ISSUER = 'National Health Commission of the PRC';
const PERSON = PEOPLE[0];
const subject = {
  personId: PERSON.personId,
  name: PERSON.name,
  birthDate: '1949-12-31',
  sex: 'male' as const,
  nationality: 'CN',
  document: { type: 'ordinary' as const, number: 'EH4180273', issuingState: 'CN', surnameLatin: 'ZHANG', givenNameLatin: 'SAN' },
};

test('the core and the server describe the same kinds, each with a list, a section and line keys of its own', () => {
  expect(Object.keys(SERVER_RECORD_KINDS).sort()).toEqual([...RECORD_KIND_LIST].sort());
  for (const k of RECORD_KIND_LIST) {
    expect(RECORD_KINDS[k].kind).toBe(k);
    expect(SERVER_RECORD_KINDS[k].kind).toBe(k);
  }
  const distinct = (f: (k: RecordKind) => string) => new Set(RECORD_KIND_LIST.map(f)).size;
  expect(distinct((k) => RECORD_KINDS[k].list)).toBe(RECORD_KIND_LIST.length);
  expect(distinct((k) => RECORD_KINDS[k].view.section)).toBe(RECORD_KIND_LIST.length);
  expect(distinct((k) => RECORD_KINDS[k].view.line)).toBe(RECORD_KIND_LIST.length);
});

describe.each(RECORD_KIND_LIST.map((k) => [k]))('record kind %s', (kind) => {
  const core = RECORD_KINDS[kind];
  const server = SERVER_RECORD_KINDS[kind];
  const json = JSON_EXAMPLES[kind];
  const fhir = FHIR_EXAMPLES[kind];
  let b: Bench;

  beforeEach(async () => {
    b = await bench();
  });
  afterEach(() => b.close());

  test('has limits a certificate can hold and a source type that may send it', () => {
    expect(server.perCertificate).toBeGreaterThanOrEqual(1);
    expect(server.perCertificate).toBeLessThanOrEqual(ITHC_LIMITS.maxRecords);
    expect(server.sentBy.length).toBeGreaterThan(0);
  });

  test('validates its example, and refuses a field that belongs only to another kind', () => {
    const { person: _person, ...fields } = json();
    const ok = validateRecord(fields, { now: NOW, defaultCountry: 'CN', defaultIssuer: 'lab' });
    expect(ok).toMatchObject({ ok: true, value: { kind } });
    const own = new Set<string>([...COMMON_FIELDS, ...server.fields]);
    const foreign = RECORD_KIND_LIST.flatMap((k) => SERVER_RECORD_KINDS[k].fields).find((f) => !own.has(f));
    if (foreign === undefined) return;
    const bad = validateRecord({ ...fields, [foreign]: 'x' }, { now: NOW, defaultCountry: 'CN', defaultIssuer: 'lab' });
    expect(bad).toEqual({ ok: false, problems: [expect.objectContaining({ field: foreign, code: 'UNKNOWN_FIELD' })] });
  });

  test('arrives by JSON from a source that may send it, reads back, and is refused from a source that may not', async () => {
    const source = SOURCE_OF_TYPE[server.sentBy[0]];
    expect(await b.send({ records: [json()] }, { source })).toMatchObject({ accepted: 1, rejected: [] });
    const stored = await new LocalRecordSource(b.ts.store).collect(PERSON.personId);
    expect(stored.map((r) => r.kind)).toEqual([kind]);

    const other = (Object.keys(SOURCE_OF_TYPE) as SourceDoc['type'][]).find((t) => !server.sentBy.includes(t));
    if (other === undefined) return;
    const refused = await b.send({ records: [{ ...json(), sourceRecordId: 'OTHER-1' }] }, { source: SOURCE_OF_TYPE[other] });
    expect(refused).toMatchObject({ accepted: 0, rejected: [expect.objectContaining({ code: 'NOT_PERMITTED' })] });
  });

  test('arrives by FHIR as the resource its descriptor names', async () => {
    const entries = fhir();
    expect(entries.map((e) => e.resource.resourceType)).toContain(server.fhir);
    const summary = await b.send(F.bundle(entries), { source: SOURCE_OF_TYPE[server.sentBy[0]], contentType: 'application/fhir+json' });
    expect(summary).toMatchObject({ accepted: 1, rejected: [] });
    const stored = await new LocalRecordSource(b.ts.store).collect(PERSON.personId);
    expect(stored.map((r) => r.kind)).toEqual([kind]);
  });

  test('goes into its own certificate list, into an HC1 code linked to it when the DCC carries it, and shows in every language', async () => {
    await b.send({ records: [json()] }, { source: SOURCE_OF_TYPE[server.sentBy[0]] });
    const [record] = (await new LocalRecordSource(b.ts.store).collect(PERSON.personId)) as [HealthRecord];

    const built = buildCertificate('CN', ISSUER, subject, [record]);
    const read = readIthc(ithcToCbor(built.input));
    expect(read.problems).toEqual([]);
    const cert = read.certificate!;
    for (const k of RECORD_KIND_LIST) expect(cert[RECORD_KINDS[k].list]).toHaveLength(k === kind ? 1 : 0);
    expect(cert.recordTypes).toEqual([core.keyUsage]);
    expect(ithcToJson(cert)[core.list]).toHaveLength(1);

    const dccs = buildDccs('CN', cert, built.recordIdByDccRef, built.sourceNames);
    if (core.dcc) {
      expect(dccs).toHaveLength(1);
      expect(dccs[0]).toMatchObject({ recordId: record._id, type: core.dcc.type });
      expect(dccs[0].dcc[core.dcc.type]).toHaveLength(1);
    } else expect(dccs).toEqual([]);

    const sections = certificateSections({ format: 'ithc', ithc: cert }, { now: NOW / 1000 });
    const section = sections.find((s) => s.key === core.view.section)!;
    expect(section.title).toEqual({ kind: 'message', code: core.view.title });
    expect(section.items).toHaveLength(1);
    const lines = section.items[0].lines;
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.key.startsWith(`${core.view.line}.`)).toBe(true);
    // Every word the kind is shown with, in every language we ship.
    const codes = [core.view.title, ...lines.map((l) => messageCodeOf(l.label))];
    const missing = LANGS.flatMap((lang) => codes.filter((code) => CATALOGUE[lang][code] === undefined).map((code) => `${lang} ${code}`));
    expect(missing).toEqual([]);
  });
});

function messageCodeOf(v: Value): keyof (typeof CATALOGUE)['en'] {
  if (v.kind !== 'message') throw new Error(`a label is a catalogue message, not ${v.kind}`);
  return v.code;
}
