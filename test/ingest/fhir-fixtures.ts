/** FHIR R4 Bundles as a lab's or vaccination site's system would send them. */
import { RESIDENT_ID_SYSTEM, SYSTEMS } from '../../server/ingest/fhir';
import { PEOPLE } from './helpers';

export function patient(
  fullUrl = 'urn:uuid:patient-1',
  person: { idNumber: string; name: string } = PEOPLE[0],
  opts: { useType?: boolean; splitName?: boolean } = {},
) {
  return {
    fullUrl,
    resource: {
      resourceType: 'Patient',
      identifier: [
        { system: 'urn:oid:1.2.3.4.5', value: 'MRN-77' },
        opts.useType
          ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NNCHN' }] }, value: person.idNumber }
          : { system: RESIDENT_ID_SYSTEM, value: person.idNumber },
      ],
      name: opts.splitName ? [{ use: 'official', family: person.name.slice(0, 1), given: [person.name.slice(1)] }] : [{ use: 'official', text: person.name }],
    },
  };
}

export function labOrganization(fullUrl = 'urn:uuid:org-lab') {
  return {
    fullUrl,
    resource: { resourceType: 'Organization', name: '北京市朝阳区疾病预防控制中心', address: [{ city: '北京', country: 'CN' }] },
  };
}

export function naatObservation(over: Record<string, unknown> = {}, patientRef = 'urn:uuid:patient-1') {
  return {
    fullUrl: 'urn:uuid:obs-naat-1',
    resource: {
      resourceType: 'Observation',
      id: 'obs-naat-1',
      identifier: [{ system: 'urn:oid:1.2.156.1', value: 'HS-FHIR-0001' }],
      status: 'final',
      code: { coding: [{ system: SYSTEMS.loinc, code: '94500-6', display: 'SARS-CoV-2 RNA NAA+probe Ql (Resp)' }] },
      subject: { reference: patientRef },
      effectiveDateTime: '2024-05-01T09:30:00+08:00',
      valueCodeableConcept: { coding: [{ system: SYSTEMS.snomed, code: '260415000', display: 'Not detected' }] },
      performer: [{ reference: 'urn:uuid:org-lab' }],
      device: { display: '新型冠状病毒2019-nCoV核酸检测试剂盒（荧光PCR法）' },
      ...over,
    },
  };
}

export function iggQuantObservation(over: Record<string, unknown> = {}) {
  return {
    fullUrl: 'urn:uuid:obs-igg-1',
    resource: {
      resourceType: 'Observation',
      identifier: [{ value: 'IGG-FHIR-0001' }],
      status: 'final',
      code: { coding: [{ system: SYSTEMS.loinc, code: '94505-5' }] },
      subject: { reference: 'urn:uuid:patient-1' },
      effectiveDateTime: '2024-05-01T10:05:00+08:00',
      valueQuantity: { value: 26.8, unit: 'AU/mL', system: SYSTEMS.ucum, code: "[arb'U]/mL" },
      interpretation: [{ coding: [{ system: SYSTEMS.interpretation, code: 'POS' }] }],
      performer: [{ reference: 'urn:uuid:org-lab' }],
      ...over,
    },
  };
}

export function iggQualObservation(over: Record<string, unknown> = {}) {
  return {
    fullUrl: 'urn:uuid:obs-igg-2',
    resource: {
      resourceType: 'Observation',
      identifier: [{ value: 'IGG-FHIR-0002' }],
      status: 'final',
      code: { coding: [{ system: SYSTEMS.loinc, code: '94563-4' }] },
      subject: { reference: 'urn:uuid:patient-1' },
      effectiveDateTime: '2024-05-01T10:05:00+08:00',
      valueCodeableConcept: { coding: [{ system: SYSTEMS.loinc, code: 'LA6577-6', display: 'Negative' }] },
      performer: [{ display: '北京市海淀医院检验科' }],
      ...over,
    },
  };
}

export function immunization(over: Record<string, unknown> = {}, id = 'JZ-FHIR-0001') {
  return {
    fullUrl: `urn:uuid:imm-${id}`,
    resource: {
      resourceType: 'Immunization',
      identifier: [{ system: 'urn:oid:1.2.156.2', value: id }],
      status: 'completed',
      vaccineCode: {
        coding: [
          { system: SYSTEMS.dccProduct, code: 'BBIBP-CorV' },
          { system: SYSTEMS.snomed, code: '1157024006' },
        ],
      },
      patient: { reference: 'Patient/p1' },
      occurrenceDateTime: '2021-04-12T10:20:00+08:00',
      manufacturer: { identifier: { system: SYSTEMS.dccManufacturer, value: 'ORG-100020693' }, display: 'China Sinopharm International Corp.' },
      location: { reference: 'Location/loc1' },
      performer: [{ actor: { display: '北京市朝阳区劲松社区卫生服务中心' } }],
      protocolApplied: [{ targetDisease: [{ coding: [{ system: SYSTEMS.snomed, code: '840539006' }] }], doseNumberPositiveInt: 1, seriesDosesPositiveInt: 2 }],
      ...over,
    },
  };
}

export function siteLocation() {
  return { fullUrl: 'urn:uuid:loc1', resource: { resourceType: 'Location', id: 'loc1', name: '劲松社区卫生服务中心预防接种门诊', address: { country: 'CN' } } };
}

export function bundle(entries: unknown[], type = 'collection') {
  return { resourceType: 'Bundle', type, entry: entries };
}

export function patientById(id = 'p1', person = PEOPLE[0]) {
  const p = patient(`urn:uuid:${id}`, person);
  return { ...p, resource: { ...p.resource, id } };
}
