/**
 * Command-line parsing driven by a table of options, so that a new option (--rules, --country,
 * --key, ...) is one row: its name, whether it takes a value and may repeat, and its help text.
 * Parsing knows nothing about what the options mean; the command reads them from the result.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Long name without the dashes, e.g. "cert" for --cert. */
  readonly name: string;
  /** Name of the value in help ("FILE", "ISO8601"); absent for a flag. */
  readonly value?: string;
  /** May be given more than once (values accumulate in order). */
  readonly repeat?: boolean;
  /** One-letter alias, e.g. "h". */
  readonly short?: string;
  readonly help: { readonly en: string; readonly zh: string };
}

export interface ParsedArgs {
  /** Flags map to true; valued options to their last value; repeatable ones to every value. */
  readonly options: Readonly<Record<string, true | string | string[]>>;
  readonly positionals: string[];
}

/**
 * The action of a command that takes one (`ithc keys certify ...`): the first positional, one of
 * `actions`, or a UsageError that lists them. Returns the action and the positionals after it.
 */
export function actionOf<A extends string>(command: string, actions: readonly A[], positionals: readonly string[]): { action: A; rest: string[] } {
  const [action, ...rest] = positionals;
  if (action === undefined) throw new UsageError(`${command} needs an action: ${actions.join(', ')}`);
  if (!(actions as readonly string[]).includes(action))
    throw new UsageError(`unknown ${command} action ${JSON.stringify(action)} (expected: ${actions.join(', ')})`);
  return { action: action as A, rest };
}

export function parseArgs(specs: readonly OptionSpec[], argv: readonly string[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(`--${s.name}`, s);
    if (s.short) byName.set(`-${s.short}`, s);
  }
  const options: Record<string, true | string | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // "-" alone is standard input, a positional; so is anything not starting with a dash.
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(key);
    if (!spec) throw new UsageError(`unknown option ${key}`);
    if (!spec.value) {
      if (eq > 0) throw new UsageError(`option --${spec.name} takes no value`);
      options[spec.name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`option --${spec.name} needs a value (${spec.value})`);
      value = argv[++i];
    }
    if (spec.repeat) {
      const list = (options[spec.name] as string[] | undefined) ?? [];
      list.push(value);
      options[spec.name] = list;
    } else {
      if (options[spec.name] !== undefined) throw new UsageError(`option --${spec.name} is given more than once`);
      options[spec.name] = value;
    }
  }
  return { options, positionals };
}

/** Help lines for a table of options, English then Chinese. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}${s.help.en}${s.repeat ? ' (repeatable)' : ''}\n  ${''.padEnd(width)}${s.help.zh}`).join('\n');
}
