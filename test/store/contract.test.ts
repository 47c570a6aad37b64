/**
 * The store contract: one suite, run against every adapter. What passes here on the CloudBase
 * stand-in and fails on SQLite (or the reverse) is a bug in an adapter or in the stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { openSqliteStore } from '../../server/store/sqlite';
import { StoreConflict, StoreNotFound, type Doc, type Filter, type Json, type Scalar, type Store } from '../../server/store/store';
import { STORE_LIMITS } from '../../server/store/validate';

interface Subject {
  store: Store;
  cleanup(): Promise<void>;
}

/** A test's own people: scalars of every type, the same values under different types, missing fields. */
const PEOPLE: Doc[] = [
  { _id: 'p01', name: '张三', age: 30, score: 88.5, active: true, city: 'Beijing', tag: null },
  { _id: 'p02', name: '李四', age: 25, score: 92, active: false, city: 'Shanghai' },
  { _id: 'p03', name: 'Ann', age: 30, score: 70.25, active: true, city: 'beijing' },
  { _id: 'p04', name: 'Émile', age: 41, active: true, city: 'Paris', tag: 'vip' },
  { _id: 'p05', name: '王五', age: '30', score: 60, active: 1, city: 'Beijing' },
  { _id: 'p06', name: '\u{20000} astral', age: 19, score: 0, active: 'true', city: '\uFFFD' },
  { _id: 'p07', name: 'Zoë', age: 30.5, score: -5, active: false, nested: { level: 2, city: 'Beijing' } },
  { _id: 'p08', name: '\uFF21 fullwidth', age: 62, score: 100, city: 'Beijing', tag: 'vip' },
  { _id: 'p09', name: 'null-age', age: null, score: 55, active: true },
  { _id: 'p10', name: 'no-age', score: 55, active: false, nested: { level: 3 } },
  // An object where the others hold text: equal to no text, not even its own JSON.
  { _id: 'p11', name: 'object-city', age: 50, city: { a: 1 } },
];

function getPath(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** The filter semantics of store.ts, written independently of both adapters (strings by UTF-8 bytes). */
function oracle(filter: Filter): string[] {
  const eq = (v: unknown, t: Scalar): boolean => (t === null ? v === null || v === undefined : typeof v === typeof t && v === t);
  const cmp = (v: unknown, t: number | string): number | null => {
    if (typeof v !== typeof t) return null;
    if (typeof v === 'number') return v - (t as number);
    if (typeof v === 'string') return Buffer.compare(Buffer.from(v, 'utf8'), Buffer.from(t as string, 'utf8'));
    return null;
  };
  return PEOPLE.filter((d) =>
    Object.entries(filter).every(([field, cond]) => {
      const v = getPath(d, field);
      if (cond === null || typeof cond !== 'object') return eq(v, cond);
      const [op, t] = Object.entries(cond)[0] as [string, Scalar & Scalar[]];
      const c = op.startsWith('$l') || op.startsWith('$g') ? cmp(v, t as number | string) : null;
      switch (op) {
        case '$eq':
          return eq(v, t);
        case '$ne':
          return !eq(v, t);
        case '$in':
          return (t as Scalar[]).some((x) => eq(v, x));
        case '$lt':
          return c !== null && c < 0;
        case '$lte':
          return c !== null && c <= 0;
        case '$gt':
          return c !== null && c > 0;
        case '$gte':
          return c !== null && c >= 0;
        default:
          throw new Error(`oracle has no ${op}`);
      }
    }),
  ).map((d) => d._id);
}

const FILTERS: Filter[] = [
  { city: 'Beijing' },
  { age: 30 },
  { age: '30' },
  { active: true },
  { active: 1 },
  { active: 'true' },
  { tag: null },
  { tag: { $eq: null } },
  { tag: { $ne: null } },
  { tag: { $eq: 'vip' } },
  { city: { $ne: 'Beijing' } },
  { age: { $ne: 30 } },
  { age: { $gt: 29 } },
  { age: { $gte: 30 } },
  { age: { $lt: 30 } },
  { age: { $lte: 30 } },
  { score: { $lt: 0 } },
  { score: { $gte: 55 } },
  { name: { $gt: '\uFF00' } },
  { name: { $lt: 'Z' } },
  { city: { $gte: 'Beijing' } },
  { city: { $lt: 'beijing' } },
  { age: { $in: [25, 41, '30'] } },
  { tag: { $in: [null, 'vip'] } },
  { active: { $in: [false, 1] } },
  { age: { $in: [] } },
  { city: 'Beijing', age: 30 },
  { city: 'Beijing', active: true, tag: null },
  { 'nested.level': { $gte: 2 } },
  { 'nested.city': 'Beijing' },
  { city: '{"a":1}' },
  { city: { $ne: '{"a":1}' } },
  { city: { $in: ['{"a":1}', 'Paris'] } },
  { _id: 'p03' },
  { _id: { $in: ['p01', 'p10', 'nope'] } },
  { _id: { $gt: 'p05' } },
  { _id: { $ne: 'p01' } },
  { nowhere: 'x' },
  {},
];

async function seed(store: Store, docs: Doc[], coll: 'users' | 'audit' = 'users'): Promise<void> {
  await store.transaction(async (tx) => {
    for (const d of docs) await tx.insert(coll, d);
  });
}

function ids(docs: Doc[]): string[] {
  return docs.map((d) => d._id);
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function storeContract(name: string, open: () => Promise<Subject>): void {
  describe(`store contract: ${name}`, () => {
    let subject: Subject;
    let store: Store;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('documents by id', () => {
      test('insert then get returns the document; a missing id gives null', async () => {
        await store.insert('users', PEOPLE[0]);
        expect(await store.get('users', 'p01')).toEqual(PEOPLE[0]);
        expect(await store.get('users', 'p02')).toBeNull();
        // Collections are separate namespaces.
        expect(await store.get('documents', 'p01')).toBeNull();
      });

      test('insert of an existing id fails with StoreConflict and keeps the first document', async () => {
        await store.insert('users', { _id: 'u1', v: 1 });
        await expect(store.insert('users', { _id: 'u1', v: 2 })).rejects.toBeInstanceOf(StoreConflict);
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', v: 1 });
      });

      test('put creates, then replaces the whole document', async () => {
        await store.put('users', { _id: 'u1', a: 1, b: 2 });
        await store.put('users', { _id: 'u1', c: 3 });
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', c: 3 });
      });

      test('update replaces top-level fields and keeps the others; nested objects are replaced, not merged', async () => {
        await store.insert('users', { _id: 'u1', a: 1, keep: 'yes', obj: { x: 1, y: 2 } });
        await store.update('users', 'u1', { a: 2, obj: { x: 3 }, added: [1, 2] });
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', a: 2, keep: 'yes', obj: { x: 3 }, added: [1, 2] });
      });

      test('update of a missing document fails with StoreNotFound and creates nothing', async () => {
        await expect(store.update('users', 'ghost', { a: 1 })).rejects.toBeInstanceOf(StoreNotFound);
        expect(await store.get('users', 'ghost')).toBeNull();
      });

      test('update cannot change _id', async () => {
        await store.insert('users', { _id: 'u1', a: 1 });
        await expect(store.update('users', 'u1', { _id: 'u2' })).rejects.toThrow(TypeError);
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', a: 1 });
        expect(await store.get('users', 'u2')).toBeNull();
      });

      test('delete removes; deleting a missing id is not an error', async () => {
        await store.insert('users', { _id: 'u1', a: 1 });
        await store.delete('users', 'u1');
        expect(await store.get('users', 'u1')).toBeNull();
        await expect(store.delete('users', 'u1')).resolves.toBeUndefined();
        // The id is free again.
        await store.insert('users', { _id: 'u1', a: 2 });
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', a: 2 });
      });

      test('the store keeps its own copies: mutating inputs or results changes nothing stored', async () => {
        const input = { _id: 'u1', list: [1, 2], obj: { k: 'v' } };
        await store.insert('users', input);
        input.list.push(3);
        input.obj.k = 'changed';
        const got = (await store.get('users', 'u1')) as unknown as { list: number[]; obj: { k: string } };
        expect(got).toEqual({ _id: 'u1', list: [1, 2], obj: { k: 'v' } });
        got.list.push(99);
        got.obj.k = 'mutated';
        const [found] = (await store.find('users', { _id: 'u1' })) as unknown as { list: number[] }[];
        found.list.length = 0;
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', list: [1, 2], obj: { k: 'v' } });
      });
    });

    describe('JSON fidelity', () => {
      test('nested structures, Chinese and astral text, numbers and nulls come back equal', async () => {
        const doc: Doc = {
          _id: 'cert:abc-123_X.y@z+=',
          holder: { name: { family: '张', given: '三丰', latin: 'ZHANG SANFENG' }, idNumber: '11010519491231002X' },
          records: [
            { kind: 'naat', result: '阴性', at: 1_700_000_000_123, lab: '北京市朝阳区疾病预防控制中心' },
            { kind: 'igg', value: 12.75, unit: 'AU/mL', flags: [true, false, null] },
            { kind: 'vaccination', dose: 2, of: 2, product: 'BBIBP-CorV', notes: '' },
          ],
          emoji: '😀👍🏽🇨🇳',
          astral: '\u{20000}\u{2A6D6}',
          controls: 'tab\tnewline\nquote"backslash\\',
          numbers: [0, -1, 1.5, 0.1 + 0.2, 1e21, -1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2],
          empty: { obj: {}, arr: [] },
          deep: { a: { b: { c: { d: { e: ['f'] } } } } },
          中文键: '值',
          nothing: null,
        };
        await store.insert('certificates', doc);
        expect(await store.get('certificates', doc._id)).toEqual(doc);
        expect(await store.find('certificates', { 'holder.idNumber': '11010519491231002X' })).toEqual([doc]);
        const long = { _id: 'long', text: '国际旅行健康证明'.repeat(12_000) }; // 96,000 characters, 288,000 UTF-8 bytes
        await store.put('certificates', long);
        expect(await store.get('certificates', 'long')).toEqual(long);
      });

      test('-0 is stored as 0 and undefined members are dropped, as JSON does', async () => {
        await store.insert('users', { _id: 'u1', z: -0, gone: undefined, list: [-0] });
        const got = await store.get('users', 'u1');
        expect(got).toEqual({ _id: 'u1', z: 0, list: [0] });
        expect(Object.is(got?.z, 0)).toBe(true);
        expect(Object.prototype.hasOwnProperty.call(got, 'gone')).toBe(false);
      });
    });

    describe('validation (nothing written when it fails)', () => {
      test('ids: non-empty, at most 128 characters from [A-Za-z0-9_-.:@+=]', async () => {
        for (const bad of ['', 'a/b', 'a b', 'é', 'x'.repeat(STORE_LIMITS.idLength + 1), 'line\n', '$ne']) {
          await expect(store.insert('users', { _id: bad, v: 1 })).rejects.toThrow(TypeError);
          await expect(store.get('users', bad)).rejects.toThrow(TypeError);
        }
        await expect(store.insert('users', { _id: 42 as unknown as string, v: 1 })).rejects.toThrow(TypeError);
        const longest = 'x'.repeat(STORE_LIMITS.idLength);
        await store.insert('users', { _id: longest, v: 1 });
        expect(await store.count('users', {})).toBe(1);
        expect((await store.get('users', longest))?.v).toBe(1);
      });

      test('unknown collections are refused', async () => {
        await expect(store.insert('nope' as 'users', { _id: 'a', v: 1 })).rejects.toThrow(TypeError);
        await expect(store.find('nope' as 'users', {})).rejects.toThrow(TypeError);
        await expect(store.get('__proto__' as 'users', 'a')).rejects.toThrow(TypeError);
      });

      test('a document must be JSON: finite numbers, plain objects, no undefined in arrays, safe keys', async () => {
        const bad: unknown[] = [
          { _id: 'b', v: NaN },
          { _id: 'b', v: Infinity },
          { _id: 'b', v: new Date(0) },
          { _id: 'b', v: new Uint8Array([1]) },
          { _id: 'b', v: [1, undefined] },
          { _id: 'b', v: BigInt(1) },
          { _id: 'b', v: '\uD800 lone surrogate' },
          { _id: 'b', 'a.b': 1 },
          { _id: 'b', $set: 1 },
          { _id: 'b', nested: { '': 1 } },
          { _id: 'b' }, // nothing besides the id
          [1, 2],
          null,
        ];
        for (const d of bad) await expect(store.put('users', d as Doc)).rejects.toThrow(TypeError);
        expect(await store.count('users', {})).toBe(0);
      });

      test('size bounds: documents over 512 KiB and nesting deeper than 32 are refused', async () => {
        const big = { _id: 'big', text: '健'.repeat(Math.ceil(STORE_LIMITS.docBytes / 3) + 1) };
        await expect(store.put('users', big)).rejects.toThrow(RangeError);
        let deep: Json = 'leaf';
        for (let i = 0; i < STORE_LIMITS.depth + 1; i++) deep = { d: deep };
        await expect(store.put('users', { _id: 'deep', deep })).rejects.toThrow(RangeError);
        await store.insert('users', { _id: 'small', v: 1 });
        await expect(store.update('users', 'small', { text: big.text })).rejects.toThrow(RangeError);
        expect(await store.get('users', 'small')).toEqual({ _id: 'small', v: 1 });
        expect(await store.count('users', {})).toBe(1);
      });

      test('filters and options are bounded and checked', async () => {
        const tooMany: Filter = {};
        for (let i = 0; i <= STORE_LIMITS.filterFields; i++) tooMany[`f${i}`] = i;
        await expect(store.find('users', tooMany)).rejects.toThrow(RangeError);
        await expect(store.find('users', { f: { $in: Array.from({ length: STORE_LIMITS.inValues + 1 }, (_, i) => i) } })).rejects.toThrow(RangeError);
        await expect(store.find('users', { f: 'x'.repeat(STORE_LIMITS.filterString + 1) })).rejects.toThrow(RangeError);
        await expect(store.find('users', {}, { limit: STORE_LIMITS.maxLimit + 1 })).rejects.toThrow(RangeError);
        await expect(store.find('users', {}, { limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.find('users', {}, { limit: 1.5 })).rejects.toThrow(RangeError);
        await expect(store.find('users', {}, { skip: -1 })).rejects.toThrow(RangeError);
        await expect(store.find('users', { f: { $regex: 'x' } } as unknown as Filter)).rejects.toThrow(TypeError);
        await expect(store.find('users', { f: { $gt: 1, $lt: 5 } })).rejects.toThrow(TypeError);
        await expect(store.find('users', { f: { $gt: true } } as unknown as Filter)).rejects.toThrow(TypeError);
        await expect(store.find('users', { f: { $in: 'x' } } as unknown as Filter)).rejects.toThrow(TypeError);
        await expect(store.find('users', { f: { a: 1 } } as unknown as Filter)).rejects.toThrow(TypeError);
        await expect(store.find('users', { "x') OR 1=1 --": 1 })).rejects.toThrow(TypeError);
        await expect(store.count('users', { 'a..b': 1 })).rejects.toThrow(TypeError);
        await expect(store.find('users', {}, { orderBy: { field: 'a b', direction: 'asc' } })).rejects.toThrow(TypeError);
        await expect(store.find('users', {}, { orderBy: { field: 'a', direction: 'up' as 'asc' } })).rejects.toThrow(TypeError);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        await seed(store, PEOPLE);
      });

      test.each(FILTERS.map((f) => [JSON.stringify(f), f] as const))('find and count %s match the documented semantics', async (_label, filter) => {
        const expected = oracle(filter);
        expect(ids(await store.find('users', filter, { limit: 1000 }))).toEqual(expected);
        expect(await store.count('users', filter)).toBe(expected.length);
      });

      test('equality is typed and null matches a missing field (anchors for the oracle)', async () => {
        expect(ids(await store.find('users', { age: 30 }))).toEqual(['p01', 'p03']);
        expect(ids(await store.find('users', { active: true }))).toEqual(['p01', 'p03', 'p04', 'p09']);
        expect(ids(await store.find('users', { age: null }))).toEqual(['p09', 'p10']);
        expect(ids(await store.find('users', { name: { $gt: '\uFF00' } }))).toEqual(['p06', 'p08']);
      });

      test('find returns whole documents', async () => {
        expect(await store.find('users', { _id: { $in: ['p07', 'p01'] } })).toEqual([PEOPLE[0], PEOPLE[6]]);
      });

      test('without orderBy, results come by _id', async () => {
        await store.insert('users', { _id: 'p00', name: 'first by id, last inserted' });
        expect(ids(await store.find('users', {}))).toEqual(['p00', ...PEOPLE.map((p) => p._id)]);
      });

      test.each(['asc', 'desc'] as const)('orderBy score %s: missing lowest, ties by _id ascending', async (direction) => {
        const key = (d: Doc): number => (typeof d.score === 'number' ? d.score : -Infinity);
        const expected = [...PEOPLE].sort((a, b) => (direction === 'asc' ? key(a) - key(b) : key(b) - key(a)) || (a._id < b._id ? -1 : 1)).map((d) => d._id);
        expect(expected.indexOf('p09') + 1).toBe(expected.indexOf('p10')); // the tie is in the data
        expect(ids(await store.find('users', {}, { orderBy: { field: 'score', direction } }))).toEqual(expected);
        // Pages of 3 put together give the same order, without gaps or repeats.
        const pages: string[] = [];
        for (let skip = 0; skip < PEOPLE.length; skip += 3) {
          pages.push(...ids(await store.find('users', {}, { orderBy: { field: 'score', direction }, limit: 3, skip })));
        }
        expect(pages).toEqual(expected);
      });

      test('orderBy on a string field and on _id, with a filter and a limit', async () => {
        const beijingByName = PEOPLE.filter((p) => p.city === 'Beijing')
          .sort((a, b) => Buffer.compare(Buffer.from(a.name as string), Buffer.from(b.name as string)))
          .map((p) => p._id);
        expect(ids(await store.find('users', { city: 'Beijing' }, { orderBy: { field: 'name', direction: 'asc' } }))).toEqual(beijingByName);
        expect(ids(await store.find('users', {}, { orderBy: { field: '_id', direction: 'desc' }, limit: 2 }))).toEqual(['p11', 'p10']);
        expect(await store.find('users', {}, { skip: PEOPLE.length })).toEqual([]);
      });

      test('the default limit is 100 and a query returns at most 1000', async () => {
        const many = Array.from({ length: 105 }, (_, i) => ({ _id: `a${String(i).padStart(3, '0')}`, subjectId: 's', i }));
        await seed(store, many, 'audit');
        expect(await store.find('audit', { subjectId: 's' })).toHaveLength(STORE_LIMITS.defaultLimit);
        expect(await store.find('audit', { subjectId: 's' }, { limit: STORE_LIMITS.maxLimit })).toHaveLength(105);
        expect(await store.count('audit', { subjectId: 's' })).toBe(105);
      });
    });

    describe('transactions', () => {
      test('commit: every write lands and the callback value is returned', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.insert('users', { _id: 'u1', n: 1 });
          await tx.put('documents', { _id: 'd1', userId: 'u1' });
          // Reads see the transaction's own writes.
          expect(await tx.get('users', 'u1')).toEqual({ _id: 'u1', n: 1 });
          await tx.update('users', 'u1', { n: 2 });
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.get('users', 'u1')).toEqual({ _id: 'u1', n: 2 });
        expect(await store.get('documents', 'd1')).toEqual({ _id: 'd1', userId: 'u1' });
      });

      test('rollback: a throw inside leaves nothing written and rejects with what was thrown', async () => {
        await seed(store, [
          { _id: 'keep', v: 1 },
          { _id: 'gone', v: 1 },
        ]);
        const boom = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            await tx.insert('users', { _id: 'new', v: 1 });
            await tx.update('users', 'keep', { v: 2 });
            await tx.delete('users', 'gone');
            await tx.put('audit', { _id: 'a1', subjectId: 'x' });
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.get('users', 'new')).toBeNull();
        expect(await store.get('users', 'keep')).toEqual({ _id: 'keep', v: 1 });
        expect(await store.get('users', 'gone')).toEqual({ _id: 'gone', v: 1 });
        expect(await store.count('audit', {})).toBe(0);
      });

      test('conflicts inside a transaction: StoreConflict and StoreNotFound roll it back', async () => {
        await store.insert('users', { _id: 'taken', v: 1 });
        await expect(
          store.transaction(async (tx) => {
            await tx.insert('users', { _id: 'fresh', v: 1 });
            await tx.insert('users', { _id: 'taken', v: 2 });
          }),
        ).rejects.toBeInstanceOf(StoreConflict);
        await expect(
          store.transaction(async (tx) => {
            await tx.insert('users', { _id: 'fresh', v: 1 });
            await tx.update('users', 'ghost', { v: 2 });
          }),
        ).rejects.toBeInstanceOf(StoreNotFound);
        expect(await store.get('users', 'fresh')).toBeNull();
        expect(await store.get('users', 'taken')).toEqual({ _id: 'taken', v: 1 });
      });

      test('a transaction may catch a conflict and go on', async () => {
        await store.insert('users', { _id: 'taken', v: 1 });
        await store.transaction(async (tx) => {
          await tx.insert('users', { _id: 'taken', v: 2 }).catch((e: unknown) => {
            if (!(e instanceof StoreConflict)) throw e;
          });
          await tx.insert('users', { _id: 'other', v: 3 });
        });
        expect(await store.get('users', 'taken')).toEqual({ _id: 'taken', v: 1 });
        expect(await store.get('users', 'other')).toEqual({ _id: 'other', v: 3 });
      });

      test('50 concurrent read-increment-write transactions end at exactly 50', async () => {
        await store.insert('attempts', { _id: 'counter', n: 0 });
        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            store.transaction(async (tx) => {
              const c = (await tx.get('attempts', 'counter')) as { n: number } | null;
              await tick(); // give the others every chance to interleave
              const n = (c?.n ?? 0) + 1;
              await tx.put('attempts', { _id: 'counter', n });
              return n;
            }),
          ),
        );
        expect((await store.get('attempts', 'counter'))?.n).toBe(50);
        // Each committed transaction saw the one before it.
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      test('a write issued while a transaction is open is neither lost nor lost into it', async () => {
        await store.insert('users', { _id: 'x', a: 0 });
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let entered!: () => void;
        const inside = new Promise<void>((r) => (entered = r));
        const t = store.transaction(async (tx) => {
          const d = (await tx.get('users', 'x')) as Doc & { a: number };
          entered();
          await gate;
          await tx.put('users', { ...d, a: d.a + 1 });
        });
        await inside;
        const u = store.update('users', 'x', { b: 1 });
        release();
        await Promise.all([t, u]);
        expect(await store.get('users', 'x')).toEqual({ _id: 'x', a: 1, b: 1 });
      });

      test('using the store itself inside its transaction fails at once instead of deadlocking', async () => {
        await expect(store.transaction(async () => store.get('users', 'x'))).rejects.toThrow(TypeError);
        await expect(store.transaction(async () => store.transaction(async () => 1))).rejects.toThrow(TypeError);
        // The store still works afterwards.
        await store.insert('users', { _id: 'after', v: 1 });
        expect(await store.get('users', 'after')).toEqual({ _id: 'after', v: 1 });
      });

      test('a transaction handle cannot be used after its transaction ended', async () => {
        let saved: Parameters<Parameters<Store['transaction']>[0]>[0] | undefined;
        await store.transaction(async (tx) => {
          saved = tx;
        });
        await expect(saved!.put('users', { _id: 'late', v: 1 })).rejects.toThrow(TypeError);
        expect(await store.get('users', 'late')).toBeNull();
      });

      test('validation inside a transaction throws before anything is written', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.put('users', { _id: 'ok', v: 1 });
            await tx.put('users', { _id: 'bad', v: NaN });
          }),
        ).rejects.toThrow(TypeError);
        expect(await store.get('users', 'ok')).toBeNull();
      });
    });
  });
}

storeContract('SQLite (a file in a temp folder)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ithc-store-'));
  const store = openSqliteStore(join(dir, 'data', 'ithc.db'));
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeContract('CloudBase adapter on the in-memory stand-in', async () => {
  const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  return { store, cleanup: () => store.close() };
});
