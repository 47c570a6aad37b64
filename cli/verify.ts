/**
 * `ithc verify [--cert FILE]... [--trust FILE]... [--at ISO8601] [--json] CODE|FILE...|-`
 *
 * A FILE (PNG, JPEG or PDF) gives every QR code in it, in reading order (cli/image.ts). One code in
 * all: the summary in the officer's language (--lang); several: one line each, labelled with where it came from.
 *
 * Exit status (EXIT below): 0 when every code is valid (and meets --rules), 1 when any is invalid
 * (or does not meet them), 3 when none is invalid but some could not be checked (a sealed code
 * without its authority's key, no trust list, a trust list past its maximum age), 2 on a usage
 * error (reported on stderr before any result is printed).
 */
import { statSync } from 'node:fs';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { runBatch } from './batch';
import { parseClock } from './clock';
import { jsonLine, textLine, textSummary, type CodeSource } from './report';
import { loadTrust, readInputFile } from './trust';
import { makeVerifier, verifySafely, type VerifierSettings } from './verifier';
import { loadSignedSourceLists, loadSignedTrustLists, parseMaxAge, readAuthorityKeys, readCscas } from './seal-trust';
import { loadRules, RULES_OPTIONS } from './rules-file';
import type { EarlyWorkers } from './workers';
import { outcomeKind } from './verifier';
import { toBase64 } from '../core/bytes';
import type { TrustListState } from '../core/outcome';
import { dscList, listState, type LoadedList } from '../core/verifier';
import { LANGS, format, isLang, renderValue, trustListValue, type Lang } from '../core/view';
import { loadApart } from './apart';

/** Exit statuses of `ithc verify`. */
export const EXIT = Object.freeze({ valid: 0, invalid: 1, usage: 2, cannotCheck: 3 });

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The worker bundle (dist/cli-worker.cjs), which verification workers run. */
  workerScript: string;
  /** Verification workers bin/ithc.js started early, for `verify -`. */
  early?: EarlyWorkers;
  /** How many workers `verify -` runs, for what is on stdin (cli/workers.ts batchWorkerCount); absent: one per core but one. */
  batchWorkers?: () => number;
}

/** The options of `ithc verify`, one row each. */
export const VERIFY_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'cert',
    value: 'FILE',
    repeat: true,
    help: { en: 'trust this signing certificate (PEM, PEM bundle, DER or base64 DER)', zh: '信任此签名证书（PEM、PEM 证书包、DER 或 base64 DER）' },
  },
  {
    name: 'trust',
    value: 'FILE',
    repeat: true,
    help: {
      en: 'trust the signing certificates in this DSC list (EU format, JSON) or signed ITHC trust list (needs --csca); a signed ITHC source list (needs --csca) names the laboratories and vaccination sites certificates give by code. FILE may be - (standard input) or a pipe: --trust <(curl -s URL)',
      zh: 'FILE 可为 -（标准输入）或管道；信任此 DSC 列表（欧盟格式 JSON）或签名 ITHC 信任列表（需 --csca）中的签名证书；签名 ITHC 来源列表（需 --csca）给出证明中以编码表示的检测机构和接种单位的名称',
    },
  },
  {
    name: 'csca',
    value: 'FILE',
    help: {
      en: 'the CSCA certificate (PEM or DER) that signed trust lists given with --trust must be signed by',
      zh: '签名信任列表须由此 CSCA 证书（PEM 或 DER）签发',
    },
  },
  {
    name: 'max-age',
    value: 'DURATION',
    help: {
      en: "a signed trust list older than this no longer confirms a code (cannot check, exit 3) (seconds, or e.g. 36h, 7d; default: the list's own)",
      zh: '签名信任列表超过此时长即不再据以确认（无法核验，退出码 3）（秒，或如 36h、7d；默认取列表自身的值）',
    },
  },
  {
    name: 'key',
    value: 'FILE',
    repeat: true,
    help: {
      en: "a destination authority's P-256 private key (PKCS#8 PEM) that opens sealed ITHCS1: codes",
      zh: '用于打开加密码（ITHCS1:）的目的地主管机构 P-256 私钥（PKCS#8 PEM）',
    },
  },
  ...RULES_OPTIONS,
  {
    name: 'at',
    value: 'ISO8601',
    help: { en: 'validate at this time instead of now (no zone = UTC)', zh: '以此时间（而非当前时间）判断有效期（未写时区按 UTC）' },
  },
  { name: 'json', help: { en: 'print one JSON object per code, one per line', zh: '每个二维码输出一行 JSON' } },
  {
    name: 'lang',
    value: 'LANG',
    help: {
      en: `the language of the text output: ${LANGS.join(', ')} (default en); --json is the same in every language`,
      zh: `文本输出的语言：${LANGS.join('、')}（默认 en）；--json 输出不随语言变化`,
    },
  },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const VERIFY_HELP = `Usage: ithc verify [--cert FILE]... [--trust FILE]... [--csca FILE] [--key FILE]... [--rules FILE --country XX] [--at ISO8601] [--lang LANG] [--json] CODE|IMAGE|PDF...|-
用法: ithc verify [选项] 二维码文本|图片|PDF ...|-

Verifies health certificate codes (EU DCC "HC1:", ITHC "ITHC1:", sealed ITHC "ITHCS1:" with --key) offline.
离线验证健康证明二维码（欧盟数字新冠证书 HC1:、国际旅行健康证明 ITHC1:，加密码 ITHCS1: 需 --key）。

  CODE    the text of the QR code; line breaks inside  二维码文本；其中的换行（如邮件
          it (as e-mail wraps it) are ignored          自动折行）会被忽略
  IMAGE   a PNG or JPEG file: a photo, scan or         PNG 或 JPEG 图片：照片、扫描件或截图，
          screenshot, every QR code in it              读取其中全部二维码
  PDF     a PDF file: every QR code on its first       PDF 文件：读取前 10 页中的全部
          10 pages (the paper certificate)             二维码（如纸质证明）
  -       read one code per line from standard input;  从标准输入逐行读取，
          one result per line, in the same order       按相同顺序逐行输出结果

Codes in a file are taken in reading order (top to bottom, left to right; page by page). One code
in all gives a summary; several give one line each, labelled FILE [pN] [#i], and with --json a
"source" field {"file", "page", "index"}.
文件中的二维码按阅读顺序（自上而下、从左到右，逐页）读取。只有一个二维码时输出摘要；多个时每个一行。

Options 选项:
${formatOptions(VERIFY_OPTIONS)}

Entry rules 入境规则 (--rules FILE --country XX):
  Every certificate that verifies is also checked against XX's entry rules (CertLogic, the EU
  business-rule format) at the validation time; each rule passes, fails, or is open (could not be
  evaluated). A comprehensive ITHC certificate meets them when one of its tests or vaccinations
  meets every rule that applies to it (docs/entry-rules.md). The text shows each rule; --json adds
  a "rules" field. A failed or open rule makes the exit status 1.
  每个通过验证的证明还按目的地 XX 的入境规则（CertLogic，欧盟业务规则格式）在验证时间检查；
  每条规则为通过、未通过或无法判定。有未通过或无法判定的规则时，退出码为 1。

Three verdicts 三种结论: valid 有效; invalid, with the reason 无效及原因; cannot check, with what is
missing 无法核验及所缺内容 — a sealed code without its destination authority's key (named by kid),
no trust list, or a trust list past its maximum age (then a code is never reported valid).
With --json each line has "verdict": "valid" | "invalid" | "cannot-check" and "missing": [...]
("valid" stays, true only for a valid verdict).

Exit status 退出码: 0 all valid (and, with --rules, meeting the rules) 全部有效（且符合入境规则）
                    1 any invalid or not meeting the rules 存在无效或不符合入境规则
                    3 none invalid, but some could not be checked 无无效，但有无法核验的
                    2 usage error 用法错误
Environment 环境变量: ITHC_WORKERS=N  worker threads for "-", besides the main thread, which verifies
                    too (default: one per core but one, none for a file of up to 8 MiB; 0: the main
                    thread alone, checking signatures on the thread pool) 批量验证的工作线程数（主线程
                    亦参与验证；默认为核数减一，8 MiB 以内的文件不用工作线程）

Examples 示例:
  ithc verify --trust dsc-list.json 'HC1:NCF...'
  ithc verify --cert dsc.pem --at 2024-05-01 qr.png
  ithc verify --trust dsc-list.json --json - < codes.txt > results.jsonl
  ithc verify --trust trustlist-signed.json --trust sources-signed.json --csca csca.pem --key authority-key.pem 'ITHCS1:...'
  ithc verify --trust <(curl -s https://HOST/trustlist/signed) --csca csca.pem 'ITHC1:...'
  ithc verify --trust dsc-list.json --rules partners.json --country SG --at 2025-03-05T08:00:00+08:00 qr.png
`;

/** One code to verify: its text, the label a text line shows, and for a code read from a file, where. */
interface CodeInput {
  text: string;
  label: string;
  source?: CodeSource;
}

type Input = { kind: 'stdin' } | { kind: 'codes'; codes: CodeInput[] };

export async function verifyCommand(argv: readonly string[], io: Io): Promise<number> {
  const { options, positionals } = parseArgs(VERIFY_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('verify needs a CODE, an IMAGE or PDF file, or - (standard input)');
  if (positionals.includes('-') && positionals.length > 1) throw new UsageError('- (standard input) cannot be combined with other codes or files');
  const trustFiles = (options.trust as string[] | undefined) ?? [];
  if (trustFiles.filter((f) => f === '-').length + (positionals.includes('-') ? 1 : 0) + (options.csca === '-' ? 1 : 0) > 1)
    throw new UsageError('standard input (-) can be read once: for the codes, one --trust list or --csca');

  // Everything that can be a usage error is checked before the first result is printed.
  const inputs: Input[] = [];
  for (const arg of positionals) inputs.push(await classify(arg, (w) => io.stderr.write(`ithc: warning: ${w}\n`)));
  const lang: Lang = options.lang === undefined ? 'en' : isLang(options.lang) ? options.lang : badLang(options.lang);
  const trust = loadTrust((options.cert as string[] | undefined) ?? [], trustFiles);
  const at = typeof options.at === 'string' ? parseClock(options.at) : undefined;
  // Signed trust lists (seal-trust.ts): checked against --csca at the validation time.
  const authorityKeys = readAuthorityKeys((options.key as string[] | undefined) ?? []);
  const cscas = typeof options.csca === 'string' ? readCscas(options.csca) : undefined;
  const maxAge = typeof options['max-age'] === 'string' ? parseMaxAge(options['max-age']) : undefined;
  const signed = await loadSignedTrustLists(trust.signed, cscas, at ?? Math.floor(Date.now() / 1000), maxAge);
  trust.keys.push(...signed.keys);
  trust.warnings.push(...signed.warnings);
  // Signed source lists: the names of the testing centres and vaccination sites certificates give by code.
  const sourceLists = await loadSignedSourceLists(trust.sourceLists, cscas, at ?? Math.floor(Date.now() / 1000));
  trust.warnings.push(...sourceLists.warnings);
  for (const w of trust.warnings) io.stderr.write(`ithc: warning: ${w}\n`);
  if (trust.keys.length === 0) io.stderr.write('ithc: warning: no trusted signing keys (give --cert or --trust), so no signature can verify\n');
  // The lists in use: signed lists with their age, the rest as loaded (a key also in a signed list is that list's).
  const signedKids = new Set(signed.keys.map((k) => toBase64(k.kid)));
  const unsignedKeys = trust.keys.filter((k) => !signedKids.has(toBase64(k.kid)));
  const unsignedSource = [
    ...((options.cert as string[] | undefined) ?? []),
    ...trustFiles.filter((f) => !trust.signed.some((s) => s.file === f) && !trust.sourceLists.some((s) => s.file === f)),
  ].join(', ');
  const loaded: LoadedList[] = [...signed.loaded, ...(unsignedKeys.length ? [dscList(unsignedKeys, unsignedSource)] : []), ...sourceLists.loaded];
  const lists: TrustListState[] = [
    ...signed.lists,
    ...(unsignedKeys.length ? [listState(dscList(unsignedKeys, unsignedSource), at ?? Math.floor(Date.now() / 1000))] : []),
  ];
  const settings: VerifierSettings = {
    lists: loaded,
    at,
    json: options.json === true,
    lang,
    authorityKeys,
    rules: await loadRules(options),
  };
  // Beside the verdicts: which lists, whose, how old. Under a single summary; on stderr before several
  // lines of text, so they stay one per code. JSON lines carry a stale list in "missing".
  const trustText = trustLines(lists, lang);

  if (inputs[0].kind === 'stdin') {
    if (!settings.json) for (const l of trustText) io.stderr.write(`ithc: ${l.trim()}\n`);
    const r = await runBatch({ input: io.stdin, output: io.stdout, settings, workerScript: io.workerScript, early: io.early, workers: io.batchWorkers?.() });
    return r.invalid > 0 ? EXIT.invalid : r.cannot > 0 ? EXIT.cannotCheck : EXIT.valid;
  }
  const verify = makeVerifier(settings);
  const codes = inputs.flatMap((input) => (input.kind === 'codes' ? input.codes : []));
  let invalid = 0;
  let cannot = 0;
  if (codes.length > 1 && !settings.json) for (const l of trustText) io.stderr.write(`ithc: ${l.trim()}\n`);
  for (const c of codes) {
    const v = await verifySafely(verify, c.text);
    const o = outcomeKind(v);
    if (o === 'invalid') invalid++;
    else if (o === 'cannot-check') cannot++;
    // One code: the summary, with the trust lists. Several: one line each, as `verify -` prints them. JSON: one line per code.
    if (settings.json) io.stdout.write(jsonLine(v, c.source) + '\n');
    else if (codes.length === 1) io.stdout.write(textSummary(v, lang) + '\n' + trustText.join('\n') + '\n');
    else io.stdout.write(textLine(v, c.label, lang) + '\n');
  }
  return invalid > 0 ? EXIT.invalid : cannot > 0 ? EXIT.cannotCheck : EXIT.valid;
}

/** The trust lists in use, as lines in `lang`: which list, whose, how old, its maximum age (core/view, as beside every verdict). */
export function trustLines(lists: readonly TrustListState[], lang: Lang = 'en'): string[] {
  if (!lists.length) return [`  ${format(lang, 'trust.verdictNone')}`];
  return lists.map((l) => `  ${format(lang, 'trust.verdict', { lists: renderValue(lang, trustListValue(l)) })}${l.kind === 'signed' ? ` [${l.source}]` : ''}`);
}

function badLang(value: unknown): never {
  throw new UsageError(`--lang must be one of ${LANGS.join(', ')}; got ${JSON.stringify(value)}`);
}

function loadImageReader(): typeof import('./image') {
  return loadApart<typeof import('./image')>('cli-image.cjs', './image');
}

/**
 * A positional is a file (image or PDF) when it names an existing file; it is taken for a path (and
 * missing) when it has an image or PDF extension or starts like a path; anything else is the code's
 * text, which then gets its own verdict (a code always starts with a prefix such as "HC1:", never
 * with "./").
 */
async function classify(arg: string, warn: (message: string) => void): Promise<Input> {
  if (arg === '-') return { kind: 'stdin' };
  let isFile = false;
  try {
    const st = statSync(arg);
    if (st.isDirectory()) throw new UsageError(`${arg} is a directory, not an image or a PDF`);
    isFile = st.isFile();
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  if (isFile) {
    const { readFileCodes, MAX_IMAGE_BYTES } = loadImageReader();
    const found = await readFileCodes(readInputFile(arg, 'image or PDF', MAX_IMAGE_BYTES), arg, warn);
    return {
      kind: 'codes',
      codes: found.map((c) => ({
        text: c.text,
        label: [c.file, c.page !== undefined ? `p${c.page}` : '', c.of > 1 ? `#${c.index}` : ''].filter(Boolean).join(' '),
        source: { file: c.file, ...(c.page !== undefined ? { page: c.page } : {}), index: c.index },
      })),
    };
  }
  if (/\.(png|jpe?g|pdf)$/i.test(arg) || /^(\.{1,2}[\\/]|[\\/]|~[\\/])/.test(arg)) throw new UsageError(`no such image file or PDF: ${arg}`);
  // A pasted code may carry the line breaks of an e-mail: the core reads through them (core/pasted.ts); the label is one line.
  const flat = arg.replace(/\s+/g, ' ').trim();
  return { kind: 'codes', codes: [{ text: arg, label: flat.length > 24 ? `${flat.slice(0, 24)}…` : flat }] };
}
