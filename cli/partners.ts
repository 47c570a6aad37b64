/**
 * `ithc partners list|export|import`: the partner authorities of a local installation (the data
 * folder `npm start` and `npm run demo` use), for operators:
 *
 *   list                   one line per partner: formats, keys, rules, signing certificates
 *   export [--out FILE]    every partner as JSON (format "ithc-partners"), to hand on or edit
 *   import FILE            creates or replaces the partners in FILE (an export, an array of
 *                          partners, or one partner); every field is checked first, and nothing
 *                          is written unless all are valid
 *
 * The data folder is opened by partners-local.ts, a bundle of its own loaded only here.
 */
import { userInfo } from 'node:os';
import { actionOf, formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { readInputFile, writeOutput } from './trust';
import type { Io } from './verify';
import { loadApart } from './apart';
import { noDataFolder } from '../node/data-dir';

export const PARTNERS_OPTIONS: readonly OptionSpec[] = [
  { name: 'data', value: 'DIR', help: { en: 'the data folder (default: $ITHC_DATA_DIR or .data)', zh: '数据目录（默认 $ITHC_DATA_DIR 或 .data）' } },
  { name: 'out', value: 'FILE', help: { en: 'export: write to FILE instead of standard output', zh: '导出：写入文件而非标准输出' } },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const PARTNERS_HELP = `Usage: ithc partners list [--data DIR]
       ithc partners export [--out FILE] [--data DIR]
       ithc partners import FILE [--data DIR]
用法: ithc partners list|export|import 文件 [选项]

Manages the partner authorities of a local installation: their encryption keys for sealed codes,
the formats they accept, their entry rules (CertLogic) and the signing certificates we trust for
their travellers. An import is checked whole; nothing is written unless every partner is valid.
管理本地部署的合作方主管机构：加密公钥、接受的格式、入境规则及其签名证书。导入时整体校验，全部有效才写入。

Options 选项:
${formatOptions(PARTNERS_OPTIONS)}

Exit status 退出码: 0 done 完成 · 1 the file was refused 文件被拒绝 · 2 usage error 用法错误

Examples 示例:
  ithc partners list
  ithc partners export --out partners.json
  ithc partners import partners.json --data /srv/ithc
  ithc verify --trust dsc-list.json --rules partners.json --country SG 'ITHC1:...'
`;

const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export async function partnersCommand(argv: readonly string[], io: Io): Promise<number> {
  const { options, positionals } = parseArgs(PARTNERS_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(PARTNERS_HELP);
    return 0;
  }
  const { action, rest } = actionOf('partners', ['list', 'export', 'import'] as const, positionals);
  const data = typeof options.data === 'string' ? options.data : undefined;
  if (action === 'import' ? rest.length !== 1 : rest.length !== 0)
    throw new UsageError(action === 'import' ? 'partners import needs exactly one FILE' : `partners ${action} takes no FILE`);
  if (options.out !== undefined && action !== 'export') throw new UsageError('--out is for partners export');
  // Read before opening the data folder: a missing or unreadable file is a usage error.
  let json: unknown;
  if (action === 'import') {
    const bytes = readInputFile(rest[0], 'partners file', MAX_IMPORT_BYTES);
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      throw new UsageError(`${rest[0]} is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const local = loadLocal();
  try {
    if (action === 'list') {
      const lines = await local.listPartners(data);
      if (lines.length === 0) io.stdout.write('没有合作方 / no partner authorities\n');
      for (const p of lines) {
        io.stdout.write(
          `${p.country}  ${p.name.zh} ${p.name.en}\n` +
            `    accepts 接受: ${p.accepts.join(', ')}${p.sealed ? '' : p.accepts.includes('sealed') ? ' (no usable key 无可用公钥)' : ''} · keys 公钥: ${p.keys} · rules 规则: ${p.rules}${p.rules ? (p.rulesInForce ? ' (in force 生效中)' : ' (none in force 无生效规则)') : ''} · signing certificates 签名证书: ${p.signingCertificates}\n`,
        );
      }
      return 0;
    }
    if (action === 'export') {
      writeOutput(io.stdout, options.out, await local.exportPartners(data));
      return 0;
    }
    const r = await local.importPartners(json, actor(), data);
    io.stdout.write(`已导入 ${r.imported} 个合作方 / imported ${r.imported} partner${r.imported === 1 ? '' : 's'}: ${r.countries.join(', ')}\n`);
    return 0;
  } catch (e) {
    const missing = noDataFolder(e);
    if (missing) throw new UsageError(missing);
    if (e instanceof local.PartnersFailure) {
      io.stderr.write(`ithc: ${e.message}\n`);
      for (const [field, why] of Object.entries(e.fields)) io.stderr.write(`  ${field}: ${why}\n`);
      return 1;
    }
    throw e;
  }
}

/** Who imported, for the audit log: the operating-system user running the command. */
function actor(): string {
  try {
    return `cli:${userInfo().username}`.slice(0, 64);
  } catch {
    return 'cli';
  }
}

function loadLocal(): typeof import('./partners-local') {
  return loadApart<typeof import('./partners-local')>('cli-partners.cjs', './partners-local');
}
