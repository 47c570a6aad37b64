/**
 * A record's version is stored (in each certificate's `records` and in the record links), so its
 * bytes must never drift: pinned here by a golden value, and by its definition in
 * server/records/version.ts computed apart from it.
 */
import { createHash } from 'node:crypto';
import { RECORD_BOOKKEEPING, recordVersion, sameRecordContent } from '../../server/records/version';

const RECORD = {
  _id: 'rec-1',
  receivedAt: 5,
  kind: 'naat',
  personId: 'p1',
  sourceId: 'lab-a',
  sourceRecordId: 'R-1',
  sampledAt: 1767225600000,
  result: 'negative',
  name: '张伟',
  note: undefined,
  updatedAt: 7,
};

test('the version of a record is the one it always was (golden)', () => {
  expect(recordVersion(RECORD)).toBe('pBRRur_CL7yx7r2jqPPoGG');
});

test('the version is SHA-256 over the label and each content field in sorted order, as its definition says', () => {
  const h = createHash('sha256').update('ithc/record-version/v1');
  for (const k of Object.keys(RECORD).sort()) {
    const v = (RECORD as Record<string, unknown>)[k];
    if (RECORD_BOOKKEEPING.has(k) || v === undefined) continue;
    h.update('\0').update(k).update('\0').update(JSON.stringify(v));
  }
  expect(recordVersion(RECORD)).toBe(h.digest('base64url').slice(0, 22));
});

test('bookkeeping and field order do not change it; content does', () => {
  const reordered = Object.fromEntries(Object.entries(RECORD).reverse());
  expect(recordVersion({ ...reordered, receivedAt: 99, updatedAt: 100, withdrawnAt: 1, _id: 'other' })).toBe(recordVersion(RECORD));
  expect(sameRecordContent(RECORD, { ...RECORD, result: 'positive' })).toBe(false);
  expect(sameRecordContent(RECORD, { ...RECORD, name: '张伟 ' })).toBe(false);
});
