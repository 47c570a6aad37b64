/**
 * The CloudBase stand-in behaves like the parts of wx-server-sdk's database that the adapter
 * relies on (see the header of test/support/cloudbase-standin.ts), and the adapter copes with
 * both settings of throwOnNotFound and with conflicts between cloud function instances.
 */
import { cloudbaseStore, isMissingDocumentError } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import type { Doc } from '../../server/store/store';

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

describe('records by id', () => {
  test('doc.get of a missing record rejects like the SDK by default, and gives data null with throwOnNotFound false', async () => {
    const db = createCloudBaseStandIn();
    const err = await db
      .collection('users')
      .doc('nobody')
      .get()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ errMsg: 'document.get:fail document with _id nobody does not exist' });
    expect(isMissingDocumentError(err)).toBe(true);
    expect(isMissingDocumentError(new Error('document.get:fail network timeout'))).toBe(false);
    const quiet = createCloudBaseStandIn({ throwOnNotFound: false });
    await expect(quiet.collection('users').doc('nobody').get()).resolves.toEqual({ data: null });
  });

  test('set creates or replaces and refuses _id or empty data; get returns the record with its _id', async () => {
    const db = createCloudBaseStandIn();
    const ref = db.collection('users').doc('u1');
    await expect(ref.set({ data: { _id: 'u1', a: 1 } })).rejects.toMatchObject({ errMsg: expect.stringContaining('_id') });
    await expect(ref.set({ data: {} })).rejects.toMatchObject({ errMsg: expect.stringContaining('non-empty') });
    await expect(db.collection('users').doc('').get()).rejects.toMatchObject({ errMsg: expect.stringContaining('docId') });
    await ref.set({ data: { a: 1, b: 2 } });
    await ref.set({ data: { c: 3 } });
    expect(await ref.get()).toEqual({ data: { _id: 'u1', c: 3 } });
  });

  test('add makes an id when none is given and fails on an existing one', async () => {
    const db = createCloudBaseStandIn();
    const made = await db.collection('audit').add({ data: { what: 'x' } });
    expect(made._id).toMatch(/^[0-9a-f]{32}$/);
    expect(await db.collection('audit').doc(String(made._id)).get()).toEqual({ data: { _id: made._id, what: 'x' } });
    await db.collection('audit').add({ data: { _id: 'mine', what: 'y' } });
    await expect(db.collection('audit').add({ data: { _id: 'mine', what: 'z' } })).rejects.toMatchObject({ errMsg: expect.stringContaining('duplicate') });
    expect(await db.collection('audit').doc('mine').get()).toEqual({ data: { _id: 'mine', what: 'y' } });
  });

  test('update merges nested objects path by path unless command.set replaces; a missing record updates nothing', async () => {
    const db = createCloudBaseStandIn();
    const _ = db.command;
    const ref = db.collection('users').doc('u1');
    await ref.set({ data: { a: { x: 1, y: 2 }, n: 1 } });
    await expect(ref.update({ data: { a: { x: 3 } } })).resolves.toEqual({ stats: { updated: 1 } });
    expect((await ref.get()).data).toEqual({ _id: 'u1', a: { x: 3, y: 2 }, n: 1 });
    await ref.update({ data: { a: _.set({ x: 4 }) } });
    expect((await ref.get()).data).toEqual({ _id: 'u1', a: { x: 4 }, n: 1 });
    await expect(ref.update({ data: { _id: 'u2' } })).rejects.toMatchObject({ errMsg: expect.stringContaining('_id') });
    await expect(
      db
        .collection('users')
        .doc('ghost')
        .update({ data: { a: 1 } }),
    ).resolves.toEqual({ stats: { updated: 0 } });
    expect(db.dump('users').map((d) => d._id)).toEqual(['u1']);
  });

  test('remove reports what it removed', async () => {
    const db = createCloudBaseStandIn();
    await db
      .collection('users')
      .doc('u1')
      .set({ data: { a: 1 } });
    await expect(db.collection('users').doc('u1').remove()).resolves.toEqual({ stats: { removed: 1 } });
    await expect(db.collection('users').doc('u1').remove()).resolves.toEqual({ stats: { removed: 0 } });
  });

  test('callers never share objects with the stand-in', async () => {
    const db = createCloudBaseStandIn();
    const data = { list: [1], obj: { k: 'v' } };
    await db.collection('users').doc('u1').set({ data });
    data.list.push(2);
    const got = (await db.collection('users').doc('u1').get()).data as typeof data;
    got.obj.k = 'changed';
    const [found] = (await db.collection('users').get()).data as (typeof data)[];
    found.list.push(3);
    expect((await db.collection('users').doc('u1').get()).data).toEqual({ _id: 'u1', list: [1], obj: { k: 'v' } });
  });
});

describe('queries', () => {
  async function seeded() {
    const db = createCloudBaseStandIn();
    const docs = [
      { _id: 'a', n: 3, s: 'x', tags: ['red', 'blue'], loc: { city: '北京', zip: 100000 } },
      { _id: 'b', n: 1, s: 'y', tags: ['green'], loc: { city: '上海', zip: 200000 } },
      { _id: 'c', n: 2, s: 'x', loc: { city: '北京', zip: 100010 } },
      { _id: 'd', n: 2, s: 'z' },
    ];
    for (const { _id, ...data } of docs) await db.collection('users').doc(_id).set({ data });
    return db;
  }
  const idsOf = (res: { data: unknown[] }): string[] => res.data.map((d) => (d as Doc)._id);

  test('a nested literal object matches by dotted path, like a dotted key', async () => {
    const db = await seeded();
    expect(
      idsOf(
        await db
          .collection('users')
          .where({ loc: { city: '北京' } })
          .get(),
      ),
    ).toEqual(['a', 'c']);
    expect(idsOf(await db.collection('users').where({ 'loc.city': '北京' }).get())).toEqual(['a', 'c']);
    expect(
      idsOf(
        await db
          .collection('users')
          .where({ loc: { zip: db.command.gt(100000) } })
          .get(),
      ),
    ).toEqual(['b', 'c']);
  });

  test('an array field matches by element, as in MongoDB', async () => {
    const db = await seeded();
    expect(idsOf(await db.collection('users').where({ tags: 'blue' }).get())).toEqual(['a']);
    expect(
      idsOf(
        await db
          .collection('users')
          .where({ tags: db.command.in(['green', 'red']) })
          .get(),
      ),
    ).toEqual(['a', 'b']);
  });

  test('several orderBy, skip and limit; limit is 1..1000 and defaults to 100', async () => {
    const db = await seeded();
    const q = db.collection('users').orderBy('n', 'desc').orderBy('s', 'desc');
    expect(idsOf(await q.get())).toEqual(['a', 'd', 'c', 'b']);
    expect(idsOf(await q.skip(1).limit(2).get())).toEqual(['d', 'c']);
    expect(await db.collection('users').where({ s: 'x' }).count()).toEqual({ total: 2 });
    expect(() => db.collection('users').limit(1001)).toThrow(/limit/);
    expect(() => db.collection('users').limit(0)).toThrow(/limit/);
    for (let i = 0; i < 101; i++) await db.collection('audit').add({ data: { i } });
    expect((await db.collection('audit').get()).data).toHaveLength(100);
  });
});

describe('transactions', () => {
  test('writes are invisible outside until commit, then all land', async () => {
    const db = createCloudBaseStandIn({ throwOnNotFound: false });
    await db
      .collection('users')
      .doc('x')
      .set({ data: { v: 0 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = db.runTransaction(async (tx) => {
      await tx
        .collection('users')
        .doc('x')
        .set({ data: { v: 1 } });
      await tx.collection('users').add({ data: { _id: 'y', v: 1 } });
      expect((await tx.collection('users').doc('x').get()).data).toEqual({ _id: 'x', v: 1 });
      await gate;
      return 'ok';
    });
    await tick();
    await tick();
    await tick();
    expect((await db.collection('users').doc('x').get()).data).toEqual({ _id: 'x', v: 0 });
    expect((await db.collection('users').doc('y').get()).data).toBeNull();
    release();
    await expect(t).resolves.toBe('ok');
    expect(db.dump('users')).toEqual([
      { _id: 'x', v: 1 },
      { _id: 'y', v: 1 },
    ]);
  });

  test('a throw rejects with what was thrown and writes nothing; rollback(reason) rejects with the reason', async () => {
    const db = createCloudBaseStandIn();
    const boom = new Error('boom');
    await expect(
      db.runTransaction(async (tx) => {
        await tx
          .collection('users')
          .doc('x')
          .set({ data: { v: 1 } });
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      db.runTransaction(async (tx) => {
        await tx
          .collection('users')
          .doc('x')
          .set({ data: { v: 2 } });
        await tx.rollback(-100);
        await expect(
          tx
            .collection('users')
            .doc('x')
            .set({ data: { v: 3 } }),
        ).rejects.toMatchObject({ errMsg: expect.stringContaining('rolled back') });
      }),
    ).rejects.toBe(-100);
    expect(db.dump('users')).toEqual([]);
  });

  test('two transactions on the same record: the later committer is re-run and sees the first one', async () => {
    const db = createCloudBaseStandIn();
    await db
      .collection('attempts')
      .doc('c')
      .set({ data: { n: 0 } });
    const runs: string[] = [];
    const increment = (who: string) =>
      db.runTransaction(async (tx) => {
        runs.push(who);
        const { data } = (await tx.collection('attempts').doc('c').get()) as { data: { n: number } };
        await tick();
        await tx
          .collection('attempts')
          .doc('c')
          .set({ data: { n: data.n + 1 } });
        return data.n + 1;
      });
    const [a, b] = await Promise.all([increment('a'), increment('b')]);
    expect([a, b].sort()).toEqual([1, 2]);
    expect(db.dump('attempts')).toEqual([{ _id: 'c', n: 2 }]);
    expect(db.conflicts).toBe(1);
    expect(runs).toHaveLength(3);
  });

  test('a transaction still in conflict after `times` attempts rejects and writes nothing', async () => {
    const db = createCloudBaseStandIn();
    await db
      .collection('attempts')
      .doc('c')
      .set({ data: { n: 0 } });
    const t = db.runTransaction(async (tx) => {
      const { data } = (await tx.collection('attempts').doc('c').get()) as { data: { n: number } };
      // Someone else writes the record while this transaction holds its old value.
      await db
        .collection('attempts')
        .doc('c')
        .set({ data: { n: 100 } });
      await tx
        .collection('attempts')
        .doc('c')
        .set({ data: { n: data.n + 1 } });
      await tx.collection('audit').add({ data: { _id: 'side', what: 'effect' } });
    }, 2);
    await expect(t).rejects.toMatchObject({ errMsg: expect.stringContaining('conflict') });
    expect(db.dump('attempts')).toEqual([{ _id: 'c', n: 100 }]);
    expect(db.dump('audit')).toEqual([]);
    expect(db.conflicts).toBe(2);
  });

  test('a transaction handle is dead once its transaction is over', async () => {
    const db = createCloudBaseStandIn();
    let saved: Parameters<Parameters<typeof db.runTransaction>[0]>[0] | undefined;
    await db.runTransaction(async (tx) => {
      saved = tx;
    });
    await expect(
      saved!
        .collection('users')
        .doc('x')
        .set({ data: { v: 1 } }),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('over') });
    expect(db.dump('users')).toEqual([]);
  });
});

describe('the adapter on the stand-in', () => {
  test('works with the SDK default throwOnNotFound (missing records read as null, in and out of transactions)', async () => {
    const store = cloudbaseStore(createCloudBaseStandIn());
    expect(await store.get('users', 'nobody')).toBeNull();
    await store.insert('users', { _id: 'u1', v: 1 });
    await store.transaction(async (tx) => {
      expect(await tx.get('users', 'nobody')).toBeNull();
      await tx.insert('users', { _id: 'u2', v: 2 });
    });
    expect(await store.find('users', {})).toEqual([
      { _id: 'u1', v: 1 },
      { _id: 'u2', v: 2 },
    ]);
  });

  test('two cloud function instances incrementing one counter: conflicts are detected and retried, nothing is lost', async () => {
    const db = createCloudBaseStandIn({ throwOnNotFound: false });
    // In lockstep, one instance's transaction can lose to every one of the other's in turn, so it
    // needs one attempt more than the other instance has transactions: optimistic retries do not
    // queue. Services keep hot records (counters) per caller for that reason.
    const perInstance = 10;
    const instances = [cloudbaseStore(db, { transactionAttempts: perInstance + 1 }), cloudbaseStore(db, { transactionAttempts: perInstance + 1 })];
    await instances[0].insert('attempts', { _id: 'counter', n: 0 });
    await Promise.all(
      instances.flatMap((store) =>
        Array.from({ length: perInstance }, () =>
          store.transaction(async (tx) => {
            const c = (await tx.get('attempts', 'counter')) as unknown as { n: number };
            await tick();
            await tx.put('attempts', { _id: 'counter', n: c.n + 1 });
          }),
        ),
      ),
    );
    expect((await instances[1].get('attempts', 'counter'))?.n).toBe(2 * perInstance);
    expect(db.conflicts).toBeGreaterThan(0);
  });

  test('two racing inserts of one id: one wins, the other gets StoreConflict', async () => {
    const db = createCloudBaseStandIn({ throwOnNotFound: false });
    const [a, b] = [cloudbaseStore(db), cloudbaseStore(db)];
    const results = await Promise.allSettled([a.insert('users', { _id: 'same', who: 'a' }), b.insert('users', { _id: 'same', who: 'b' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as Error).name).toBe('StoreConflict');
    expect(db.dump('users')).toHaveLength(1);
  });
});
