/**
 * `ithc trustlist export [--signed] [--data DIR] [--out FILE]`: our trust list from a local data
 * folder (the one `npm start` and `npm run demo` use), for handing to verifiers abroad:
 *
 *   default    the EU DSC-list shape ({certificates: [{kid, country, certificateType, rawData}], ...})
 *   --signed   our signed list (docs/trust-list.md), verified with `ithc verify --csca`
 *   --sources  our signed source list (docs/trust-list.md §The source list), likewise
 *
 * The data folder is opened by trustlist-export.ts, a bundle of its own loaded only when this
 * command runs, so that `ithc verify` does not pay for the server code.
 */
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { writeOutput } from './trust';
import type { Io } from './verify';
import { loadApart } from './apart';
import { noDataFolder } from '../node/data-dir';

export const TRUSTLIST_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'signed',
    help: {
      en: 'export our signed trust list (checked against the CSCA) instead of the EU DSC-list shape',
      zh: '导出签名信任列表（以 CSCA 核验）（而非欧盟 DSC 列表格式）',
    },
  },
  {
    name: 'sources',
    help: {
      en: 'export our signed source list (the laboratories and vaccination sites certificates give by code)',
      zh: '导出签名来源列表（证明中以编码表示的检测机构和接种单位）',
    },
  },
  { name: 'data', value: 'DIR', help: { en: 'the data folder (default: $ITHC_DATA_DIR or .data)', zh: '数据目录（默认 $ITHC_DATA_DIR 或 .data）' } },
  { name: 'out', value: 'FILE', help: { en: 'write to FILE instead of standard output', zh: '写入文件而非标准输出' } },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const TRUSTLIST_HELP = `Usage: ithc trustlist export [--signed | --sources] [--data DIR] [--out FILE]
用法: ithc trustlist export [选项]

Exports the signing certificates of a local installation for verifiers.
导出本地部署的签名证书，供验证方使用。

Options 选项:
${formatOptions(TRUSTLIST_OPTIONS)}

Examples 示例:
  ithc trustlist export --out dsc-list.json
  ithc trustlist export --signed --data .data --out trustlist-signed.json
  ithc trustlist export --sources --data .data --out sources-signed.json
`;

export async function trustlistCommand(argv: readonly string[], io: Io): Promise<number> {
  const { options, positionals } = parseArgs(TRUSTLIST_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(TRUSTLIST_HELP);
    return 0;
  }
  if (positionals[0] !== 'export' || positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `unknown trustlist action ${JSON.stringify(positionals.join(' '))} (expected: export)` : 'trustlist needs an action: export',
    );
  let text: string;
  try {
    if (options.signed === true && options.sources === true) throw new UsageError('give --signed or --sources, not both');
    text = await loadExporter().exportTrustList({
      data: typeof options.data === 'string' ? options.data : undefined,
      signed: options.signed === true,
      sources: options.sources === true,
    });
  } catch (e) {
    const missing = noDataFolder(e);
    if (missing) throw new UsageError(missing);
    throw e;
  }
  writeOutput(io.stdout, options.out, text);
  return 0;
}

function loadExporter(): typeof import('./trustlist-export') {
  return loadApart<typeof import('./trustlist-export')>('cli-trustlist.cjs', './trustlist-export');
}
