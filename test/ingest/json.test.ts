/** Bounded, strict JSON for request bodies. */
import { DEFAULT_JSON_LIMITS, JsonLimitError, parseBoundedJson, type JsonLimits } from '../../server/ingest/json';

const enc = (s: string) => new TextEncoder().encode(s);

function reason(text: string | Uint8Array, limits?: JsonLimits): string | undefined {
  try {
    parseBoundedJson(typeof text === 'string' ? enc(text) : text, limits);
    return undefined;
  } catch (e) {
    if (e instanceof JsonLimitError) return e.reason;
    throw e;
  }
}

describe('parseBoundedJson', () => {
  const d = DEFAULT_JSON_LIMITS.maxDepth;

  test('depth: exactly the limit passes, one more fails, brackets in strings do not count', () => {
    expect(reason('['.repeat(d) + ']'.repeat(d))).toBeUndefined();
    expect(reason('['.repeat(d + 1) + ']'.repeat(d + 1))).toBe('DEPTH');
    expect(reason(JSON.stringify({ s: '[[[[{{{{'.repeat(100) }))).toBeUndefined();
    // An escaped quote does not end the string: the brackets after it are still inside.
    expect(reason(JSON.stringify({ s: '\\"' + '['.repeat(100) }))).toBeUndefined();
  });

  test('counts of values, string lengths and keys are bounded', () => {
    const small: JsonLimits = { maxDepth: 8, maxValues: 10, maxStringLength: 5, maxKeys: 3 };
    expect(reason('[1,2,3,4,5,6,7,8,9]', small)).toBeUndefined(); // 10 values with the array
    expect(reason('[1,2,3,4,5,6,7,8,9,10]', small)).toBe('VALUES');
    expect(reason('["12345"]', small)).toBeUndefined();
    expect(reason('["123456"]', small)).toBe('STRING');
    expect(reason('{"abcdef":1}', small)).toBe('STRING');
    expect(reason('{"a":1,"b":2,"c":3}', small)).toBeUndefined();
    expect(reason('{"a":1,"b":2,"c":3,"d":4}', small)).toBe('KEYS');
  });

  test('duplicate keys are refused, also when spelled with escapes; sibling objects may share keys', () => {
    expect(reason('{"a":1,"a":2}')).toBe('DUPLICATE_KEY');
    expect(reason('{"a":1,"\\u0061":2}')).toBe('DUPLICATE_KEY');
    expect(reason('{"x":{"a":1,"b":{"a":2}},"y":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(reason('[{"a":1},{"b":1,"b":2}]')).toBe('DUPLICATE_KEY');
    // A string value equal to a key is not a key.
    expect(reason('{"a":"a","b":["a","a"]}')).toBeUndefined();
  });

  test('strict UTF-8 and syntax', () => {
    expect(reason(new Uint8Array([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]))).toBe('UTF8');
    expect(reason(new Uint8Array([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]))).toBe('UTF8'); // encoded surrogate
    expect(reason('["张三"]')).toBeUndefined();
    expect(reason('{"a":1,}')).toBe('SYNTAX');
    expect(reason('')).toBe('SYNTAX');
  });

  test('returns the parsed value', () => {
    expect(parseBoundedJson(enc('{"records":[{"name":"李四"}]}'))).toEqual({ records: [{ name: '李四' }] });
  });
});
