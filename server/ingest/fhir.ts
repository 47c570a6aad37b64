/**
 * FHIR R4 Bundles into candidate records (docs/ingestion.md, "FHIR R4"):
 * - Immunization → vaccination; the product from the DCC product system or a CVX code we map;
 * - Observation with an accepted LOINC code → nucleic-acid test (naat) or serum IgG test (igg);
 * - Patient (referenced by the records) → the person: the resident ID number identifier and name;
 * - Organization / Location / Practitioner / Device are read only when referenced; other resources
 *   are reported as unsupported.
 *
 * Codes accepted here are listed with their sources in docs/ingestion.md; an unknown code is a
 * per-record rejection, never a guess.
 */
import type { FieldName, FieldProblem, RecordFields } from '../records/validate';
import { lookup } from '../../core/valuesets';
import { BatchError, isObject, type Candidate, type ParsedBatch } from './candidates';

/** Identifier system for the PRC resident identity card number (居民身份证号码), defined by ITHC. */
export const RESIDENT_ID_SYSTEM = 'urn:ithc:sid:cn-resident-id';
/** HL7 v2 table 0203 identifier type "NNCHN": national person identifier of China; accepted instead of the system. */
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

export const SYSTEMS = Object.freeze({
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  /** The DCC vaccine-medicinal-product value set's system. */
  dccProduct: 'https://ec.europa.eu/health/documents/community-register/html/',
  /** The DCC vaccine-mah-manf value set's system (EMA SPOR organisations). */
  dccManufacturer: 'https://spor.ema.europa.eu/v1/organisations',
  ucum: 'http://unitsofmeasure.org',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
});

/** SARS-CoV-2 RNA, qualitative, by nucleic acid amplification (LOINC; sources in docs/ingestion.md). */
export const NAAT_LOINC: Readonly<Record<string, string>> = Object.freeze({
  '94309-2': 'SARS-CoV-2 RNA [Presence] in Specimen by NAA with probe detection',
  '94500-6': 'SARS-CoV-2 RNA [Presence] in Respiratory system specimen by NAA with probe detection',
  '94759-8': 'SARS-CoV-2 RNA [Presence] in Nasopharynx by NAA with probe detection',
  '95406-5': 'SARS-CoV-2 RNA [Presence] in Nose by NAA with probe detection',
  '94845-5': 'SARS-CoV-2 RNA [Presence] in Saliva (oral fluid) by NAA with probe detection',
  '94565-9': 'SARS-CoV-2 RNA [Presence] in Nasopharynx by NAA with non-probe detection',
  '95608-6': 'SARS-CoV-2 RNA [Presence] in Respiratory system specimen by NAA with non-probe detection',
});

/** SARS-CoV-2 IgG in serum or plasma, qualitative. */
export const IGG_QUALITATIVE_LOINC: Readonly<Record<string, string>> = Object.freeze({
  '94563-4': 'SARS-CoV-2 IgG Ab [Presence] in Serum or Plasma by Immunoassay',
  '99596-9': 'SARS-CoV-2 N protein IgG Ab [Presence] in Serum or Plasma by Immunoassay',
  '99597-7': 'SARS-CoV-2 S protein IgG Ab [Presence] in Serum or Plasma by Immunoassay',
});

/** The antigen an antigen-specific LOINC term names (the certificate's IgG target, core/valuesets.ts IGG_TARGETS). */
export const IGG_TARGET_BY_LOINC: Readonly<Record<string, string>> = Object.freeze({
  '99596-9': 'nucleocapsid',
  '99597-7': 'spike',
});

/**
 * ITHC's identifiers and extension for what FHIR's Observation has no element of its own for: the
 * assay's code in the ITHC assay table (an identifier of the referenced Device, or of the device
 * reference itself), and the antigen target of an assay reported under an unspecific LOINC term.
 */
export const ITHC_FHIR = Object.freeze({
  assaySystem: 'urn:ithc:sid:igg-assay',
  targetExtension: 'urn:ithc:fhir:igg-target',
});

/**
 * SARS-CoV-2 IgG in serum or plasma, quantitative (valueQuantity + interpretation). Mass
 * concentrations (96742-2, ug/mL) are not accepted: the certificate carries units per volume only.
 */
export const IGG_QUANTITATIVE_LOINC: Readonly<Record<string, string>> = Object.freeze({
  '94505-5': 'SARS-CoV-2 IgG Ab [Units/volume] in Serum or Plasma by Immunoassay',
});

/** UCUM spellings of the IgG units the certificate carries (core/valuesets.ts IGG_UNITS). */
export const UCUM_TO_IGG_UNIT: Readonly<Record<string, string>> = Object.freeze({
  "[arb'U]/mL": 'AU/mL',
  "[arb'U]/ml": 'AU/mL',
  '{AU}/mL': 'AU/mL',
  '{BAU}/mL': 'BAU/mL',
  '[BAU]/mL': 'BAU/mL',
  'U/mL': 'U/mL',
  'U/ml': 'U/mL',
  '{s_co_ratio}': 'S/CO',
  '{COI}': 'S/CO',
  '{index}': 'S/CO',
});

/** CVX codes of COVID-19 vaccines with a DCC product code (CDC CVX table; WHO DDCC CVX value set). */
export const CVX_TO_DCC_PRODUCT: Readonly<Record<string, string>> = Object.freeze({
  '510': 'BBIBP-CorV', // COVID-19 IV Non-US Vaccine (BIBP, Sinopharm)
  '511': 'CoronaVac', // COVID-19 IV Non-US Vaccine (CoronaVac, Sinovac)
  '506': 'Convidecia', // COVID-19 VVnr Non-US Vaccine (CONVIDECIA), CanSino
  '502': 'Covaxin', // COVID-19 IV Non-US Vaccine (COVAXIN)
  '208': 'EU/1/20/1528', // COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL (Comirnaty)
  '207': 'EU/1/20/1507', // COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5 mL (Spikevax)
  '210': 'EU/1/21/1529', // COVID-19 vaccine, vector-nr, rS-ChAdOx1 (Vaxzevria)
  '212': 'EU/1/20/1525', // COVID-19 vaccine, vector-nr, rS-Ad26 (Jcovden)
  '211': 'EU/1/21/1618', // COVID-19, subunit, rS-nanoparticle+Matrix-M1 (Nuvaxovid)
});

type Verdict = 'detected' | 'not-detected' | 'indeterminate';

/** Qualitative answers: SNOMED CT qualifier values and LOINC answer codes. */
const ANSWERS: Readonly<Record<string, Verdict>> = Object.freeze({
  [`${SYSTEMS.snomed}|260373001`]: 'detected',
  [`${SYSTEMS.snomed}|10828004`]: 'detected', // positive
  [`${SYSTEMS.snomed}|11214006`]: 'detected', // reactive
  [`${SYSTEMS.snomed}|260415000`]: 'not-detected',
  [`${SYSTEMS.snomed}|260385009`]: 'not-detected', // negative
  [`${SYSTEMS.snomed}|131194007`]: 'not-detected', // non-reactive
  [`${SYSTEMS.snomed}|82334004`]: 'indeterminate',
  [`${SYSTEMS.snomed}|419984006`]: 'indeterminate', // inconclusive
  [`${SYSTEMS.snomed}|42425007`]: 'indeterminate', // equivocal
  [`${SYSTEMS.loinc}|LA11882-0`]: 'detected',
  [`${SYSTEMS.loinc}|LA6576-8`]: 'detected', // positive
  [`${SYSTEMS.loinc}|LA11883-8`]: 'not-detected',
  [`${SYSTEMS.loinc}|LA6577-6`]: 'not-detected', // negative
  [`${SYSTEMS.loinc}|LA11884-6`]: 'indeterminate',
  [`${SYSTEMS.loinc}|LA9663-1`]: 'indeterminate', // inconclusive
  [`${SYSTEMS.loinc}|LA11885-3`]: 'indeterminate', // equivocal
});

const INTERPRETATIONS: Readonly<Record<string, Verdict>> = Object.freeze({
  POS: 'detected',
  DET: 'detected',
  NEG: 'not-detected',
  ND: 'not-detected',
  IND: 'indeterminate',
  E: 'indeterminate',
});

const REFERENCED_ONLY = new Set(['Patient', 'Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Device']);
const BUNDLE_TYPES = new Set(['collection', 'transaction', 'batch']);

export function readFhirBundle(doc: Record<string, unknown>, maxRecords: number): ParsedBatch {
  if (doc.resourceType !== 'Bundle') throw new BatchError('expected a FHIR Bundle');
  if (typeof doc.type !== 'string' || !BUNDLE_TYPES.has(doc.type)) throw new BatchError('Bundle.type must be collection, transaction or batch');
  const entries = doc.entry;
  if (!Array.isArray(entries) || entries.length === 0) throw new BatchError('Bundle.entry is empty');
  // Every record may bring its patient, organisation and location along.
  if (entries.length > maxRecords * 4) throw new BatchError(`Bundle has more than ${maxRecords * 4} entries; split the batch`);

  const refs = new Map<string, Record<string, unknown>>();
  for (const e of entries) {
    if (!isObject(e) || !isObject(e.resource)) continue;
    const r = e.resource;
    if (typeof r.resourceType !== 'string' || !REFERENCED_ONLY.has(r.resourceType)) continue;
    if (typeof e.fullUrl === 'string') refs.set(e.fullUrl, r);
    if (typeof r.id === 'string') refs.set(`${r.resourceType}/${r.id}`, r);
  }
  const resolve = (ref: unknown, type: string): Record<string, unknown> | undefined => {
    if (!isObject(ref) || typeof ref.reference !== 'string') return undefined;
    const r = refs.get(ref.reference);
    return r && r.resourceType === type ? r : undefined;
  };

  const candidates: Candidate[] = [];
  entries.forEach((e, index) => {
    if (!isObject(e) || !isObject(e.resource) || typeof e.resource.resourceType !== 'string') {
      candidates.push(bare(index, [{ field: `Bundle.entry[${index}].resource`, code: 'INVALID', message: 'entry has no resource' }]));
      return;
    }
    const r = e.resource;
    const type = r.resourceType as string;
    if (REFERENCED_ONLY.has(type)) return;
    // A record the source marks entered-in-error is withdrawn (docs/ingestion.md, "Withdrawing a record").
    if ((type === 'Immunization' || type === 'Observation') && r.status === 'entered-in-error') candidates.push(withdrawal(index, r, type, resolve));
    else if (type === 'Immunization') candidates.push(immunization(index, r, resolve));
    else if (type === 'Observation') candidates.push(observation(index, r, resolve));
    else
      candidates.push(
        bare(index, [
          {
            field: `${type.slice(0, 40)}`,
            code: 'UNSUPPORTED',
            message: `resource type ${type.slice(0, 40)} is not a record we accept (Immunization, Observation)`,
          },
        ]),
      );
  });
  if (candidates.length === 0) throw new BatchError('Bundle holds no Immunization or Observation');
  if (candidates.length > maxRecords) throw new BatchError(`more than ${maxRecords} records in one request; split the batch`);
  return { format: 'fhir-r4', candidates };
}

type Resolve = (ref: unknown, type: string) => Record<string, unknown> | undefined;

function bare(index: number, problems: FieldProblem[]): Candidate {
  return { index, person: null, personFields: { idNumber: 'Patient.identifier', name: 'Patient.name' }, fields: {}, problems, unreadable: true };
}

/**
 * An Immunization or Observation with status entered-in-error: only its identifier and patient
 * are read. The reason is the first note's text when there is one.
 */
function withdrawal(index: number, r: Record<string, unknown>, type: 'Immunization' | 'Observation', resolve: Resolve): Candidate {
  const problems: FieldProblem[] = [];
  const note = Array.isArray(r.note) && isObject(r.note[0]) && typeof r.note[0].text === 'string' ? r.note[0].text : undefined;
  const person = patientOf(
    resolve(type === 'Immunization' ? r.patient : r.subject, 'Patient'),
    type === 'Immunization' ? 'Immunization.patient' : 'Observation.subject',
    problems,
  );
  return {
    index,
    person,
    personFields: { idNumber: 'Patient.identifier', name: 'Patient.name' },
    fields: { sourceRecordId: recordId(r) },
    fieldNames: { sourceRecordId: `${type}.identifier` },
    problems,
    withdraw: { reason: note ?? 'entered-in-error', reasonField: `${type}.note` },
  };
}

function immunization(index: number, r: Record<string, unknown>, resolve: Resolve): Candidate {
  const problems: FieldProblem[] = [];
  const fields: RecordFields = { kind: 'vaccination' };
  const fieldNames: Partial<Record<FieldName, string>> = {
    kind: 'Immunization',
    sourceRecordId: 'Immunization.identifier',
    country: 'Location.address.country',
    issuer: 'Immunization.performer.actor',
    date: 'Immunization.occurrenceDateTime',
    disease: 'Immunization.protocolApplied.targetDisease',
    vaccine: 'Immunization.vaccineCode',
    product: 'Immunization.vaccineCode',
    manufacturer: 'Immunization.manufacturer',
    dose: 'Immunization.protocolApplied.doseNumberPositiveInt',
    doses: 'Immunization.protocolApplied.seriesDosesPositiveInt',
  };
  fields.sourceRecordId = recordId(r);

  if (r.status !== 'completed') {
    problems.push({ field: 'Immunization.status', code: 'UNSUPPORTED', message: 'only completed immunizations are accepted' });
  }

  const codings = codingsOf(r.vaccineCode);
  const dcc = codings.find((c) => c.system === SYSTEMS.dccProduct);
  const cvx = codings.find((c) => c.system === SYSTEMS.cvx);
  if (dcc) fields.product = dcc.code;
  else if (cvx) {
    const p = Object.prototype.hasOwnProperty.call(CVX_TO_DCC_PRODUCT, cvx.code) ? CVX_TO_DCC_PRODUCT[cvx.code] : undefined;
    if (p) fields.product = p;
    else
      problems.push({
        field: 'Immunization.vaccineCode',
        code: 'UNKNOWN_CODE',
        message: `CVX ${JSON.stringify(cvx.code.slice(0, 16))} is not a COVID-19 vaccine we can map to a DCC product`,
      });
  } else {
    problems.push({ field: 'Immunization.vaccineCode', code: 'REQUIRED', message: `vaccineCode needs a coding from ${SYSTEMS.dccProduct} or ${SYSTEMS.cvx}` });
  }
  const vp = codings.find((c) => c.system === SYSTEMS.snomed && lookup('vaccineProphylaxis', c.code) !== undefined);
  if (vp) fields.vaccine = vp.code;

  if (r.occurrenceDateTime !== undefined) {
    // A date-time's date as written at the site: the day the person remembers.
    const v = r.occurrenceDateTime;
    fields.date = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(v) ? v.slice(0, 10) : v;
  } else {
    problems.push({ field: 'Immunization.occurrenceDateTime', code: 'REQUIRED', message: 'occurrenceDateTime is required' });
  }

  const pa: unknown = Array.isArray(r.protocolApplied) ? r.protocolApplied[0] : undefined;
  if (!isObject(pa)) {
    problems.push({
      field: 'Immunization.protocolApplied',
      code: 'REQUIRED',
      message: 'protocolApplied with doseNumberPositiveInt and seriesDosesPositiveInt is required',
    });
  } else {
    fields.dose = pa.doseNumberPositiveInt;
    fields.doses = pa.seriesDosesPositiveInt;
    const tg = codingsOf(Array.isArray(pa.targetDisease) ? pa.targetDisease[0] : undefined).find((c) => c.system === SYSTEMS.snomed);
    if (tg) fields.disease = tg.code;
  }

  const m = r.manufacturer;
  if (isObject(m)) {
    const org = resolve(m, 'Organization');
    const id = manufacturerId(m.identifier) ?? (org ? manufacturerId(org.identifier) : undefined);
    // Only a coded manufacturer counts; a display name alone leaves it to Annex A.
    if (id !== undefined) fields.manufacturer = id;
  }

  const performer: unknown = Array.isArray(r.performer) ? r.performer[0] : undefined;
  const actor = isObject(performer) ? performer.actor : undefined;
  const org = resolve(actor, 'Organization');
  const location = resolve(r.location, 'Location');
  const issuer = org?.name ?? display(actor) ?? location?.name ?? display(r.location);
  if (issuer !== undefined) fields.issuer = issuer;
  const country = countryOf(location) ?? countryOf(org);
  if (country !== undefined) fields.country = country;

  const person = patientOf(resolve(r.patient, 'Patient'), 'Immunization.patient', problems);
  return { index, person, personFields: { idNumber: 'Patient.identifier', name: 'Patient.name' }, fields, fieldNames, problems };
}

function observation(index: number, r: Record<string, unknown>, resolve: Resolve): Candidate {
  const problems: FieldProblem[] = [];
  const fields: RecordFields = {};
  const fieldNames: Partial<Record<FieldName, string>> = {
    kind: 'Observation.code',
    sourceRecordId: 'Observation.identifier',
    country: 'Organization.address.country',
    issuer: 'Observation.performer',
    centre: 'Observation.performer',
    sampledAt: 'Observation.effectiveDateTime',
    result: 'Observation.valueCodeableConcept',
    value: 'Observation.valueQuantity.value',
    comparator: 'Observation.valueQuantity.comparator',
    cutoff: 'Observation.referenceRange.high',
    unit: 'Observation.valueQuantity.code',
    testName: 'Observation.device.display',
    reportedAt: 'Observation.issued',
    assayCode: 'Observation.device.identifier',
    assay: 'Observation.device',
    manufacturer: 'Device.manufacturer',
    target: 'Observation.code',
  };
  fields.sourceRecordId = recordId(r);

  if (r.status !== 'final' && r.status !== 'amended' && r.status !== 'corrected') {
    problems.push({ field: 'Observation.status', code: 'UNSUPPORTED', message: 'only final, amended or corrected results are accepted' });
  }

  const loinc = codingsOf(r.code).filter((c) => c.system === SYSTEMS.loinc);
  const naat = loinc.find((c) => has(NAAT_LOINC, c.code));
  const qual = loinc.find((c) => has(IGG_QUALITATIVE_LOINC, c.code));
  const quant = loinc.find((c) => has(IGG_QUANTITATIVE_LOINC, c.code));
  if (naat) fields.kind = 'naat';
  else if (qual || quant) fields.kind = 'igg';
  else {
    problems.push({
      field: 'Observation.code',
      code: loinc.length ? 'UNKNOWN_CODE' : 'REQUIRED',
      message: loinc.length
        ? `LOINC ${JSON.stringify(loinc[0].code.slice(0, 16))} is not an accepted SARS-CoV-2 RNA or serum IgG test (see docs/ingestion.md)`
        : 'Observation.code needs a LOINC coding',
    });
  }

  const eff = r.effectiveDateTime ?? r.effectiveInstant;
  if (eff === undefined)
    problems.push({ field: 'Observation.effectiveDateTime', code: 'REQUIRED', message: 'effectiveDateTime (the sample time) is required' });
  else fields.sampledAt = eff;

  if (fields.kind === 'naat' || (fields.kind === 'igg' && qual)) {
    if (!isObject(r.valueCodeableConcept)) {
      problems.push({ field: 'Observation.valueCodeableConcept', code: 'REQUIRED', message: 'a qualitative result in valueCodeableConcept is required' });
    } else {
      const v = verdictOf(codingsOf(r.valueCodeableConcept).map((c) => ANSWERS[`${c.system}|${c.code}`]));
      if (!v)
        problems.push({
          field: 'Observation.valueCodeableConcept',
          code: 'UNKNOWN_CODE',
          message: 'result must be a SNOMED CT or LOINC answer code for detected / not detected (see docs/ingestion.md)',
        });
      else if (fields.kind === 'naat') {
        // The DCC has no code for an inconclusive NAAT: such a result certifies nothing.
        if (v === 'indeterminate')
          problems.push({ field: 'Observation.valueCodeableConcept', code: 'UNSUPPORTED', message: 'an inconclusive nucleic-acid result cannot be certified' });
        else fields.result = v === 'detected' ? '260373001' : '260415000';
      } else fields.result = iggResult(v);
    }
  } else if (fields.kind === 'igg' && quant) {
    // The qualitative verdict of a quantitative test is its interpretation.
    fieldNames.result = 'Observation.interpretation';
    const q = r.valueQuantity;
    if (!isObject(q))
      problems.push({ field: 'Observation.valueQuantity', code: 'REQUIRED', message: `LOINC ${quant.code} is quantitative: valueQuantity is required` });
    else {
      fields.value = q.value;
      fields.unit = iggUnitOf(q);
      // A censored value ("<0.40", ">250"): FHIR's comparator; <= and >= are not censored values and are refused by validation.
      if (q.comparator !== undefined) fields.comparator = q.comparator;
      // The assay's threshold: the upper limit of the non-reactive (reference) range, in the value's unit.
      const range: unknown = Array.isArray(r.referenceRange) ? r.referenceRange[0] : undefined;
      const high = isObject(range) && isObject(range.high) ? range.high : undefined;
      if (high) {
        if (iggUnitOf(high) !== fields.unit)
          problems.push({ field: 'Observation.referenceRange.high', code: 'INVALID', message: 'the reference range must be in the unit of valueQuantity' });
        else fields.cutoff = high.value;
      }
    }
    const interp: unknown = Array.isArray(r.interpretation) ? r.interpretation[0] : undefined;
    const v = verdictOf(
      codingsOf(interp)
        .filter((c) => c.system === SYSTEMS.interpretation)
        .map((c) => INTERPRETATIONS[c.code]),
    );
    if (!v)
      problems.push({
        field: 'Observation.interpretation',
        code: interp ? 'UNKNOWN_CODE' : 'REQUIRED',
        message: 'a quantitative IgG result needs interpretation POS, NEG or IND (v3-ObservationInterpretation)',
      });
    else fields.result = iggResult(v);
  }

  const performer: unknown = Array.isArray(r.performer) ? r.performer[0] : undefined;
  const org = resolve(performer, 'Organization');
  const name = org?.name ?? display(performer);
  if (name !== undefined) {
    fields.centre = name;
    fields.issuer = name;
  }
  const country = countryOf(org);
  if (country !== undefined) fields.country = country;
  if (fields.kind === 'naat') {
    const device = display(r.device);
    if (device !== undefined) fields.testName = device;
    // When the laboratory released the result (FHIR: "the date and time this version of the observation was made available").
    if (r.issued !== undefined) fields.reportedAt = r.issued;
  }
  if (fields.kind === 'igg') {
    const t = (qual && IGG_TARGET_BY_LOINC[qual.code]) ?? targetExtension(r.extension);
    if (t !== undefined) fields.target = t;
    assayOf(r.device, resolve(r.device, 'Device'), fields);
  }

  const person = patientOf(resolve(r.subject, 'Patient'), 'Observation.subject', problems);
  return { index, person, personFields: { idNumber: 'Patient.identifier', name: 'Patient.name' }, fields, fieldNames, problems };
}

/** Our unit name of a Quantity: its UCUM code mapped (UCUM_TO_IGG_UNIT), or its unit text; validation refuses what is neither. */
function iggUnitOf(q: Record<string, unknown>): unknown {
  const u = q.system === SYSTEMS.ucum && typeof q.code === 'string' ? q.code : q.unit;
  // Our own unit names pass as they are; anything else unmapped is refused by validation.
  return typeof u === 'string' && has(UCUM_TO_IGG_UNIT, u) ? UCUM_TO_IGG_UNIT[u] : u;
}

/** The antigen target from ITHC's extension (valueCode: spike, rbd, nucleocapsid, spike+nucleocapsid). */
function targetExtension(ext: unknown): unknown {
  const e: unknown = Array.isArray(ext) ? ext.find((x) => isObject(x) && x.url === ITHC_FHIR.targetExtension) : undefined;
  return isObject(e) ? e.valueCode : undefined;
}

/**
 * The assay: its code in the ITHC assay table (an identifier with system urn:ithc:sid:igg-assay, on
 * the referenced Device or on the device reference), else its name (Device.deviceName, or the
 * reference's display) and the Device's manufacturer.
 */
function assayOf(ref: unknown, device: Record<string, unknown> | undefined, fields: RecordFields): void {
  const ids = [...(device && Array.isArray(device.identifier) ? (device.identifier as unknown[]) : []), ...(isObject(ref) ? [ref.identifier] : [])];
  const id: unknown = ids.find((i) => isObject(i) && i.system === ITHC_FHIR.assaySystem);
  if (isObject(id)) {
    // An identifier's value is a string in FHIR; the table's codes are integers.
    const v = id.value;
    fields.assayCode = typeof v === 'string' && /^[1-9]\d{0,9}$/.test(v) ? Number(v) : v;
    return;
  }
  const deviceName = device && Array.isArray(device.deviceName) && isObject(device.deviceName[0]) ? device.deviceName[0].name : undefined;
  const name = deviceName ?? display(ref);
  if (name !== undefined) fields.assay = name;
  if (device && device.manufacturer !== undefined) fields.manufacturer = device.manufacturer;
}

function has(table: Readonly<Record<string, string>>, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, code);
}

function iggResult(v: Verdict): 'positive' | 'negative' | 'indeterminate' {
  return v === 'detected' ? 'positive' : v === 'not-detected' ? 'negative' : 'indeterminate';
}

/** One verdict from several codings; codings that disagree are no verdict at all. */
function verdictOf(vs: (Verdict | undefined)[]): Verdict | undefined {
  const known = [...new Set(vs.filter((v): v is Verdict => v !== undefined))];
  return known.length === 1 ? known[0] : undefined;
}

function codingsOf(cc: unknown): { system: string; code: string }[] {
  if (!isObject(cc) || !Array.isArray(cc.coding)) return [];
  return cc.coding.filter((c): c is { system: string; code: string } => isObject(c) && typeof c.system === 'string' && typeof c.code === 'string');
}

/** The source's own id: the first identifier value, else the resource id. */
function recordId(r: Record<string, unknown>): unknown {
  if (Array.isArray(r.identifier)) {
    const id: unknown = r.identifier.find((i) => isObject(i) && i.value !== undefined);
    if (isObject(id)) return id.value;
  }
  return r.id;
}

function manufacturerId(identifier: unknown): string | undefined {
  const list = Array.isArray(identifier) ? identifier : [identifier];
  for (const i of list) {
    if (isObject(i) && typeof i.value === 'string' && (i.system === undefined || i.system === SYSTEMS.dccManufacturer)) return i.value;
  }
  return undefined;
}

function display(ref: unknown): string | undefined {
  return isObject(ref) && typeof ref.display === 'string' ? ref.display : undefined;
}

/** Only an ISO 3166 alpha-2 code: FHIR's address.country is free text, and a name there is no code. */
function countryOf(r: Record<string, unknown> | undefined): string | undefined {
  const a: unknown = r && Array.isArray(r.address) ? r.address[0] : r?.address;
  return isObject(a) && typeof a.country === 'string' && /^[A-Z]{2}$/.test(a.country) ? a.country : undefined;
}

function patientOf(p: Record<string, unknown> | undefined, refField: string, problems: FieldProblem[]): { idNumber: unknown; name: unknown } | null {
  if (!p) {
    problems.push({ field: refField, code: 'REQUIRED', message: `${refField} must reference a Patient in the Bundle` });
    return null;
  }
  let idNumber: unknown;
  if (Array.isArray(p.identifier)) {
    const id: unknown = p.identifier.find(
      (i) => isObject(i) && (i.system === RESIDENT_ID_SYSTEM || codingsOf(i.type).some((c) => c.system === V2_0203 && c.code === 'NNCHN')),
    );
    if (isObject(id)) idNumber = id.value;
  }
  let name: unknown;
  if (Array.isArray(p.name)) {
    const n: unknown = p.name.find((x) => isObject(x) && x.use === 'official') ?? p.name[0];
    if (isObject(n)) {
      if (typeof n.text === 'string') name = n.text;
      // Chinese order: family name then given name, no separator (张 + 三 = 张三).
      else if (typeof n.family === 'string') name = n.family + (Array.isArray(n.given) ? n.given.filter((g) => typeof g === 'string').join('') : '');
    }
  }
  return { idNumber, name };
}
