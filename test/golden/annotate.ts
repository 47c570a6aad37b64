/**
 * Annotated hex of an ITHC certificate, for docs/ithc-certificate.md: each data item on its own
 * line with its CBOR type and, for map keys, the field name and the decoded meaning.
 * scripts/gen-golden.mjs writes it into the document; golden.test.ts checks that the bytes in the
 * document are the ITHC-FULL vector's.
 */
import { ITHC_KEYS } from '../../core/ithc';
import { utf8Decode } from '../../core/bytes';
import {
  IGG_METHODS,
  IGG_RESULTS,
  IGG_TARGETS,
  IGG_UNITS,
  ISSUERS,
  SEXES,
  TRAVEL_DOCUMENT_TYPES,
  VALUE_COMPARATORS,
  iggAssayLabel,
  label,
  ownByCode,
  type DccValueSetName,
  type OwnCode,
} from '../../core/valuesets';

/** `field` is the field's name qualified by its map where the same name means two things (result). */
type Names = { [key: number]: { name: string; field: string; items?: Names; map?: Names } };

// A code-or-name field has two readable names for one key (testingCentre, testingCentreCode): the first, its name, labels the key.
const named = (keys: Readonly<Record<string, number>>, map = ''): Names => {
  const out: Names = {};
  for (const [name, key] of Object.entries(keys)) if (!(key in out)) out[key] = { name, field: map && name === 'result' ? `${map}.${name}` : name };
  return out;
};

function certificateNames(): Names {
  const n = named(ITHC_KEYS.certificate);
  n[ITHC_KEYS.certificate.holder].map = named(ITHC_KEYS.holder);
  n[ITHC_KEYS.certificate.tests].items = named(ITHC_KEYS.test, 'test');
  n[ITHC_KEYS.certificate.antibodyTests].items = named(ITHC_KEYS.antibodyTest, 'antibodyTest');
  n[ITHC_KEYS.certificate.vaccinations].items = named(ITHC_KEYS.vaccination);
  return n;
}

/** What an integer means, by the field it sits in. */
function meaning(field: string, n: number): string {
  const own = (t: ReadonlyArray<OwnCode<string>>) => ` (${ownByCode(t, n)?.name ?? '?'})`;
  // Numeric DCC codes travel as integers: label them as their text form would be.
  if (field === 'manufacturer') return textMeaning(field, `ORG-${n}`, true);
  if (TEXT_SETS[field]) return textMeaning(field, String(n), true);
  switch (field) {
    case 'issuer':
      return own(ISSUERS);
    case 'sampleTime':
    case 'reportTime':
      return ` (${new Date(n * 1000).toISOString().replace('.000Z', 'Z')})`;
    case 'testingCentre':
    case 'vaccinationSite':
      return ' (a code of the source list)';
    case 'assay':
      return ` (${iggAssayLabel(n)})`;
    case 'target':
      return own(IGG_TARGETS);
    case 'comparator':
      return own(VALUE_COMPARATORS);
    case 'date':
      return ` (${new Date(n * 86400000).toISOString().slice(0, 10)})`;
    case 'sex':
      return own(SEXES);
    case 'documentType':
      return own(TRAVEL_DOCUMENT_TYPES);
    case 'method':
      return own(IGG_METHODS);
    case 'antibodyTest.result':
      return own(IGG_RESULTS);
    case 'unit':
      return own(IGG_UNITS);
    default:
      return '';
  }
}

/** Which DCC value set a text field's code comes from. */
const TEXT_SETS: Record<string, DccValueSetName> = {
  disease: 'disease',
  testType: 'testType',
  'test.result': 'testResult',
  device: 'testManufacturer',
  prophylaxis: 'vaccineProphylaxis',
  product: 'vaccineProduct',
  manufacturer: 'vaccineManufacturer',
};

/** `named`: say which code the integer stands for too. */
function textMeaning(field: string, s: string, named = false): string {
  const set = TEXT_SETS[field];
  const l = set ? label(set, s) : s;
  if (l === s) return '';
  return named ? ` (${s}: ${l})` : ` (${l})`;
}

type Line = [indent: number, hex: string, comment: string];
const COMMENT_COLUMN = 54;
const INLINE_BYTES = 12;

export function annotateIthc(bytes: Uint8Array): string {
  let pos = 0;
  const head = (): { mt: number; arg: number; hex: string } => {
    const start = pos;
    const ib = bytes[pos++];
    const ai = ib & 0x1f;
    let arg = ai;
    if (ai === 24) arg = bytes[pos++];
    else if (ai === 25) {
      arg = (bytes[pos] << 8) | bytes[pos + 1];
      pos += 2;
    } else if (ai === 26) {
      arg = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
      pos += 4;
    } else if (ai > 26) throw new Error(`annotate: unsupported head ${ib.toString(16)}`);
    return { mt: ib >> 5, arg, hex: spaced(bytes.subarray(start, pos)) };
  };
  const item = (indent: number, field: string, names?: Names, itemNames?: Names): Line[] => {
    const h = head();
    switch (h.mt) {
      case 0:
        return [[indent, h.hex, `${h.arg}${meaning(field, h.arg)}`]];
      case 1:
        return [[indent, h.hex, `${-1 - h.arg}${meaning(field, -1 - h.arg)}`]];
      case 2:
      case 3: {
        const body = bytes.subarray(pos, pos + h.arg);
        pos += h.arg;
        const text = h.mt === 3 ? utf8Decode(body) : '';
        const comment = h.mt === 3 ? JSON.stringify(text) + textMeaning(field, text) : `bytes(${h.arg})`;
        if (body.length <= INLINE_BYTES) return [[indent, `${h.hex} ${spaced(body)}`, comment]];
        const out: Line[] = [[indent, h.hex, `${h.mt === 3 ? 'text' : 'bytes'}(${h.arg}) ${comment}`]];
        for (let i = 0; i < body.length; i += 16) out.push([indent + 3, spaced(body.subarray(i, i + 16)), '']);
        return out;
      }
      case 4: {
        const out: Line[] = [[indent, h.hex, `array(${h.arg})`]];
        for (let i = 0; i < h.arg; i++) {
          const sub = item(indent + 3, '', itemNames);
          sub[0][2] = `[${i}] ${sub[0][2]}`;
          out.push(...sub);
        }
        return out;
      }
      case 5: {
        const out: Line[] = [[indent, h.hex, `map(${h.arg})`]];
        for (let i = 0; i < h.arg; i++) {
          const k = head();
          if (k.mt > 1) throw new Error('annotate: non-integer key');
          const key = k.mt === 0 ? k.arg : -1 - k.arg;
          const n = names?.[key];
          const label = `${key} ${n?.name ?? '?'}`;
          const value = item(indent + 6, n?.field ?? '', n?.map, n?.items);
          // A value that fits on one line shares the key's line.
          if (value.length === 1) out.push([indent + 3, `${k.hex} ${value[0][1]}`, `${label}: ${value[0][2]}`]);
          else out.push([indent + 3, k.hex, `${label}:`], ...value);
        }
        return out;
      }
      default:
        return [[indent, h.hex, `simple/tag ${h.arg}`]];
    }
  };
  const lines = item(0, '', certificateNames());
  if (pos !== bytes.length) throw new Error('annotate: trailing bytes');
  lines[0][2] = `the certificate: ${lines[0][2]}`;
  return lines
    .map(([indent, hex, comment]) => {
      const left = ' '.repeat(indent) + hex;
      return comment ? `${left.padEnd(COMMENT_COLUMN - 1)} # ${comment}` : left;
    })
    .join('\n');
}

/** The hex digits of an annotated listing (everything before each '#'). */
export function hexOfAnnotation(text: string): string {
  return text
    .split('\n')
    .map((l) => l.split('#')[0])
    .join(' ')
    .split(/\s+/)
    .filter((t) => /^[0-9a-f]{2}$/.test(t))
    .join('');
}

function spaced(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
