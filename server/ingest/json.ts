/**
 * Bounded JSON for untrusted request bodies: strict UTF-8, a nesting depth checked on the raw text
 * before JSON.parse builds anything, then counts of values, object keys and string lengths.
 * Duplicate keys are refused (JSON.parse would silently keep the last, so two readers of the same
 * bytes could disagree).
 */
import { utf8Decode } from '../../core/bytes';

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. A FHIR Bundle needs about 10. */
  maxDepth: number;
  /** Most values (scalars, arrays, objects) in one document. */
  maxValues: number;
  /** Longest string, in UTF-16 code units. */
  maxStringLength: number;
  /** Most keys in one object. */
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxDepth: 32,
  maxValues: 100_000,
  maxStringLength: 8192,
  maxKeys: 256,
});

export class JsonLimitError extends Error {
  constructor(
    readonly reason: 'UTF8' | 'SYNTAX' | 'DEPTH' | 'VALUES' | 'STRING' | 'KEYS' | 'DUPLICATE_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'JsonLimitError';
  }
}

export function parseBoundedJson(body: Uint8Array, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  let text: string;
  try {
    text = utf8Decode(body);
  } catch {
    throw new JsonLimitError('UTF8', 'body is not valid UTF-8');
  }
  checkDepth(text, limits.maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new JsonLimitError('SYNTAX', `body is not valid JSON (${e instanceof Error ? e.message : 'parse error'})`);
  }
  checkValues(value, limits);
  checkDuplicateKeys(text);
  return value;
}

/** Depth from the raw text (brackets outside strings), so a 1 MiB "[[[[..." never reaches the parser. */
function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw new JsonLimitError('DEPTH', `JSON nested deeper than ${maxDepth}`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Iterative walk (depth is already bounded, but no recursion is needed either). */
function checkValues(root: unknown, limits: JsonLimits): void {
  const stack: unknown[] = [root];
  let count = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++count > limits.maxValues) throw new JsonLimitError('VALUES', `JSON has more than ${limits.maxValues} values`);
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) throw new JsonLimitError('STRING', `a JSON string is longer than ${limits.maxStringLength}`);
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length > limits.maxKeys) throw new JsonLimitError('KEYS', `a JSON object has more than ${limits.maxKeys} keys`);
      for (const k of keys) {
        if (k.length > limits.maxStringLength) throw new JsonLimitError('STRING', `a JSON key is longer than ${limits.maxStringLength}`);
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
}

/**
 * Duplicate keys in any object. A second, small scan of the (already valid) text: objects are
 * tracked on a stack of key sets; a string is a key when the next non-space character is ':'.
 */
function checkDuplicateKeys(text: string): void {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) stack.push(new Set());
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x22) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (!top) continue;
      let j = i + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
      if (text[j] !== ':') continue;
      // Compare decoded keys, so "a" and "\u0061" are the same key.
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (top.has(key)) throw new JsonLimitError('DUPLICATE_KEY', `duplicate JSON key ${JSON.stringify(key.slice(0, 40))}`);
      top.add(key);
    }
  }
}
