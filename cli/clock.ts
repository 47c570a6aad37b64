/**
 * The validation clock for --at. ISO 8601 date or date-time; a time without a zone is read as UTC,
 * as the EU test data's validation clocks are (local time would make results depend on the machine).
 */
import { UsageError } from './args';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Seconds since the epoch, or UsageError. */
export function parseClock(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) throw new UsageError(`--at expects an ISO 8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T08:00:00+08:00), got ${JSON.stringify(text)}`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const z = zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${z}`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2024-02-31 over to March; a clock the user did not mean is a usage error.
  if (!Number.isFinite(ms) || new Date(Date.parse(`${y}-${mo}-${d}T00:00:00Z`)).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) {
    throw new UsageError(`--at: ${JSON.stringify(text)} is not a real date and time`);
  }
  return Math.floor(ms / 1000);
}
