/**
 * The string formats the pre-compiled DCC schema validator (dcc-schema-validate.generated.ts)
 * calls, defined exactly as dcc-schema.ts defines them for its run-time ajv: `date-time` is
 * RFC 3339 (ajv-formats, full mode); `date` accepts a full-date or a full date-time (see there why).
 */
import { fullFormats } from 'ajv-formats/dist/formats';

type Check = (s: string) => boolean;

function check(name: 'date' | 'date-time'): Check {
  const f = fullFormats[name] as unknown;
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return f as Check;
  const v = (f as { validate: unknown }).validate;
  if (typeof v === 'function') return v as Check;
  if (v instanceof RegExp) return (s) => v.test(s);
  throw new TypeError(`unexpected ajv-formats definition for ${name}`);
}

const fullDate = check('date');
const dateTime = check('date-time');

export const formats = {
  date: { type: 'string', validate: (s: string) => fullDate(s) || dateTime(s) },
  'date-time': { type: 'string', validate: dateTime },
};
