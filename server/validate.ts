/**
 * Input checks for every action: types, lengths and patterns, field by field. Each failure names
 * the field so forms can point at it. Callers are untrusted: every size is bounded here before a
 * service sees the value.
 */
import { ServiceError } from './errors';

export type Input = Record<string, unknown>;

export interface StringRule {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** A message (Chinese / English) for a pattern mismatch. */
  hint?: string;
}

export class Fields {
  private readonly problems: Record<string, string> = {};
  constructor(private readonly input: Input) {}

  str(name: string, rule: StringRule): string;
  str(name: string, rule: StringRule, optional: true): string | undefined;
  str(name: string, rule: StringRule, optional = false): string | undefined {
    const v = this.input[name];
    if (v === undefined || v === null || v === '') {
      if (!optional) this.problems[name] = '必填 / required';
      return undefined;
    }
    if (typeof v !== 'string') {
      this.problems[name] = '应为文本 / must be text';
      return undefined;
    }
    const s = v.normalize('NFC').trim();
    // Lone surrogates cannot be stored or shown reliably: refuse them like invalid UTF-8.
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s) || /[\u0000-\u001f\u007f]/.test(s)) {
      this.problems[name] = '含有无效字符 / contains invalid characters';
      return undefined;
    }
    if (s.length > rule.max) {
      this.problems[name] = `过长（最多 ${rule.max} 个字符）/ too long (at most ${rule.max} characters)`;
      return undefined;
    }
    if (rule.min !== undefined && s.length < rule.min) {
      this.problems[name] = `过短（至少 ${rule.min} 个字符）/ too short (at least ${rule.min} characters)`;
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(s)) {
      this.problems[name] = rule.hint ?? '格式不正确 / wrong format';
      return undefined;
    }
    return s;
  }

  bool(name: string, optional = false): boolean | undefined {
    const v = this.input[name];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'boolean') {
      this.problems[name] = '应为是或否 / must be true or false';
      return undefined;
    }
    return v;
  }

  int(name: string, min: number, max: number, optional = false): number | undefined {
    const v = this.input[name];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.problems[name] = `应为 ${min}–${max} 的整数 / must be a whole number from ${min} to ${max}`;
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[], optional = false): T | undefined {
    const v = this.input[name];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.problems[name] = `应为以下之一 / must be one of: ${values.join(', ')}`;
      return undefined;
    }
    return v as T;
  }

  /** Throws VALIDATION_FAILED naming every bad field, or returns when all are fine. */
  done(): void {
    const names = Object.keys(this.problems);
    if (names.length) {
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { ...this.problems },
        messageCode: 'server.checkMarkedFields',
      });
    }
  }
}

export function fields(input: Input): Fields {
  return new Fields(input);
}

/** Bounds on a request before parsing it further. */
export const REQUEST_LIMITS = Object.freeze({ maxBytes: 64 * 1024, maxDepth: 8, maxKeys: 200 });

/** Checks depth and key count of parsed JSON (a parser has already bounded its byte size). */
export function checkShape(value: unknown, limits: { readonly maxDepth: number; readonly maxKeys: number } = REQUEST_LIMITS): void {
  let keys = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth > limits.maxDepth) throw new ServiceError('BAD_REQUEST', { messageCode: 'server.requestTooDeep', params: { n: limits.maxDepth } });
    if (v && typeof v === 'object') {
      const entries = Array.isArray(v) ? v : Object.values(v);
      keys += entries.length;
      if (keys > limits.maxKeys) throw new ServiceError('BAD_REQUEST', { messageCode: 'server.requestTooManyValues', params: { n: limits.maxKeys } });
      for (const e of entries) walk(e, depth + 1);
    }
  };
  walk(value, 0);
}
