/**
 * When a source of the published source list (core/sourcelist.ts) may make records. Kept apart from
 * the list's reader so that what only names sources (the view model in the mini program's main
 * package) does not bring in the certificate and signature code that checks a list.
 */

/** Seconds since the epoch: from when (absent: not stated), and until when (absent: still), a source may make records. */
export interface SourceValidity {
  validFrom?: number;
  validUntil?: number;
}

/** Whether the list says the source could make records at `t` (seconds). */
export function sourceValidAt(entry: SourceValidity, t: number): boolean {
  return (entry.validFrom === undefined || t >= entry.validFrom) && (entry.validUntil === undefined || t <= entry.validUntil);
}
