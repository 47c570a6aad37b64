/** server/pdf/recent.ts: each value made once while kept; the least recently used goes first. */
import { Recent } from '../../server/pdf/recent';

test('a value is made once while kept, and the least recently used one goes when full', () => {
  const made: string[] = [];
  const r = new Recent<string>(2);
  const get = (k: string) => r.get(k, () => (made.push(k), `${k}!`));
  expect([get('a'), get('b'), get('a')]).toEqual(['a!', 'b!', 'a!']);
  // 'b' is now the least recently used: 'c' takes its place, 'a' stays.
  get('c');
  get('a');
  get('b');
  expect(made).toEqual(['a', 'b', 'c', 'b']);
  expect(r.size).toBe(2);
});

test('a value that is undefined is kept like any other', () => {
  let calls = 0;
  const r = new Recent<undefined>(4);
  for (let i = 0; i < 3; i++) r.get('k', () => void calls++);
  expect(calls).toBe(1);
  expect(() => new Recent(0)).toThrow(RangeError);
});
