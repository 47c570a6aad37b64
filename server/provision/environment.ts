/**
 * The cloud functions' environment variables (docs/deploy.md, "Environment"): which are required,
 * what a well-formed value is, and a report an operator can act on. A report names each variable
 * and what is wrong with it, never its value: the KEK and the WeChat AppSecret are secrets.
 *
 * Each function is given only the variables it reads (FUNCTION_VARIABLES; cloudbaserc.json sets
 * exactly those): the KEK only where keys are opened, the WeChat AppSecret only where faces are
 * checked. The entry (server/cloud/entry.ts) checks its function's variables before anything is
 * built and refuses to start, naming each problem; admin.init reports the admin function's.
 */
import { parseKek } from '../keys/vault';
import { parseOperatorBootstrap, OperatorConfigError } from './operators';

export type VariableStatus = 'ok' | 'missing' | 'invalid';

export interface VariableReport {
  name: string;
  required: boolean;
  status: VariableStatus;
  /** What is wrong (never the value). */
  problem?: string;
  /** What it is for, for the operator reading the report. */
  purpose: string;
}

export interface EnvironmentReport {
  /** The function whose environment this is. */
  function: string;
  /** Every required variable is present and well formed, and every optional one given is well formed. */
  ok: boolean;
  variables: VariableReport[];
}

type Check = (value: string, env: NodeJS.ProcessEnv) => string | undefined;

interface VariableSpec {
  name: string;
  required: boolean;
  purpose: string;
  check: Check;
}

/** The hosts that name this machine or no machine: never a public address. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127\./.test(h) ||
    h === '::1' ||
    h === '0.0.0.0' ||
    h === '::' ||
    /^::ffff:127\./.test(h) ||
    /^0:0:0:0:0:0:0:1$/.test(h)
  );
}

/** Why `text` is not a usable public base URL, or undefined when it is. */
function publicBaseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL (verifiers abroad and the paper version use it)';
  if (isLoopbackHost(url.hostname)) return 'names this machine (a loopback address), which nobody else can reach';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.search || url.hash) return 'must not carry a query or a fragment';
  if (url.pathname !== '/') return 'must be an origin (https://host), without a path: /trustlist, /ingest, /admin and /verify/ are served at its root';
  return undefined;
}

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/**
 * The public base URL (ITHC_PUBLIC_BASE_URL) without a trailing slash: what the paper version
 * prints and verifiers fetch the trust lists from. Throws, naming the variable, when it is missing
 * or not a public https URL.
 */
export function requirePublicBaseUrl(env: NodeJS.ProcessEnv): string {
  const text = env.ITHC_PUBLIC_BASE_URL;
  if (text === undefined || text.trim() === '') {
    throw new EnvironmentError(
      'ITHC_PUBLIC_BASE_URL is not set: set it to the public https address of the deployment (e.g. https://ithc.example.gov.cn), where /trustlist and /verify/ are served; see docs/deploy.md',
    );
  }
  const problem = publicBaseUrlProblem(text.trim());
  if (problem) throw new EnvironmentError(`ITHC_PUBLIC_BASE_URL ${problem}; see docs/deploy.md`);
  return new URL(text.trim()).origin;
}

const kek: Check = (v) => {
  try {
    parseKek(v, 'the value');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : 'is malformed';
  }
};

const VARIABLES: readonly VariableSpec[] = [
  {
    name: 'ITHC_SECRET_KEK',
    required: true,
    purpose: 'the key-encryption key every stored key is wrapped under (ithc keys new-kek; docs/keys.md)',
    check: kek,
  },
  {
    name: 'ITHC_SECRET_KEK_PREVIOUS',
    required: false,
    purpose: 'the KEK before the current one, only while a KEK rotation re-wraps the keys (docs/keys.md)',
    check: (v, env) => kek(v, env) ?? (env.ITHC_SECRET_KEK?.trim() === v.trim() ? 'is the same as ITHC_SECRET_KEK' : undefined),
  },
  {
    name: 'ITHC_PUBLIC_BASE_URL',
    required: true,
    purpose: 'the public https address: printed on paper certificates, where /trustlist, /ingest and /verify/ are served',
    check: publicBaseUrlProblem,
  },
  {
    name: 'ITHC_OPERATORS',
    required: false,
    purpose: 'OPENIDs of the first operators (WeChat accounts), comma-separated; more are added with admin.addOperator',
    check: (v) => bootstrapProblem({ ITHC_OPERATORS: v }),
  },
  {
    name: 'ITHC_OPERATOR_KEYS',
    required: false,
    purpose: "public keys of the first operators' ithc provision keys (ithc provision keygen), comma-separated; more with admin.addOperator",
    check: (v) => bootstrapProblem({ ITHC_OPERATOR_KEYS: v }),
  },
  {
    name: 'ITHC_KEY_PREPUBLICATION_DAYS',
    required: false,
    purpose: 'days a new DSC is published before it signs (default 7; docs/keys.md)',
    check: (v) => (/^\d{1,2}$/.test(v) && Number(v) <= 90 ? undefined : 'must be a whole number of days, 0–90'),
  },
  {
    name: 'ITHC_WECHAT_APPID',
    required: true,
    purpose: "the mini program's AppID, for WeChat facial verification (identity)",
    check: (v) => (/^wx[0-9a-f]{16}$/.test(v) ? undefined : 'must be a mini program AppID: "wx" and 16 hexadecimal digits'),
  },
  {
    name: 'ITHC_SECRET_WECHAT_APPSECRET',
    required: true,
    purpose: "the mini program's AppSecret, for WeChat's access token (identity)",
    check: (v) => (/^[0-9a-f]{32}$/.test(v) ? undefined : 'must be 32 hexadecimal digits (the AppSecret shown once in the WeChat console)'),
  },
];

function bootstrapProblem(env: NodeJS.ProcessEnv): string | undefined {
  try {
    parseOperatorBootstrap(env);
    return undefined;
  } catch (e) {
    return e instanceof OperatorConfigError ? e.message : 'is malformed';
  }
}

const KEYS = ['ITHC_SECRET_KEK', 'ITHC_SECRET_KEK_PREVIOUS'];
const EVERY = ['ITHC_PUBLIC_BASE_URL', 'ITHC_OPERATORS', 'ITHC_OPERATOR_KEYS'];
const SIGNING = ['ITHC_KEY_PREPUBLICATION_DAYS'];
const WECHAT = ['ITHC_WECHAT_APPID', 'ITHC_SECRET_WECHAT_APPSECRET'];

/** The variables each function reads, and no others (least privilege: cloudbaserc.json follows this table). */
export const FUNCTION_VARIABLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  identity: [...KEYS, ...EVERY, ...WECHAT],
  document: [...EVERY],
  certificate: [...KEYS, ...EVERY, ...SIGNING],
  relatives: [...KEYS, ...EVERY, ...WECHAT],
  partners: [...EVERY],
  admin: [...KEYS, ...EVERY, ...SIGNING],
  trustlist: [...KEYS, ...EVERY, ...SIGNING],
  ingest: [...KEYS, ...EVERY],
});

/** A function's variables, checked. Names and problems only: never a value. */
export function checkEnvironment(env: NodeJS.ProcessEnv, fn = 'admin'): EnvironmentReport {
  const names = FUNCTION_VARIABLES[fn];
  if (!names) throw new TypeError(`no function ${JSON.stringify(fn)}`);
  const variables: VariableReport[] = VARIABLES.filter((spec) => names.includes(spec.name)).map((spec) => {
    const raw = env[spec.name];
    if (raw === undefined || raw.trim() === '') {
      return {
        name: spec.name,
        required: spec.required,
        purpose: spec.purpose,
        status: spec.required ? 'missing' : 'ok',
        ...(spec.required ? { problem: 'is not set' } : {}),
      };
    }
    const problem = spec.check(raw.trim(), env);
    return { name: spec.name, required: spec.required, purpose: spec.purpose, status: problem ? 'invalid' : 'ok', ...(problem ? { problem } : {}) };
  });
  return { function: fn, ok: variables.every((v) => v.status === 'ok'), variables };
}

/** Throws, naming every problem of the function's variables; for the entry, before anything starts. */
export function requireEnvironment(env: NodeJS.ProcessEnv, fn: string): void {
  const report = checkEnvironment(env, fn);
  if (report.ok) return;
  const problems = report.variables.filter((v) => v.status !== 'ok').map((v) => `${v.name} ${v.problem} (${v.purpose})`);
  throw new EnvironmentError(`the ${fn} function cannot start: ${problems.join('; ')}. See docs/deploy.md, "Environment".`);
}

/** The names of the variables checked, for documentation tests and cloudbaserc.json. */
export const ENVIRONMENT_VARIABLES: readonly string[] = VARIABLES.map((v) => v.name);
