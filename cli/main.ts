/**
 * The `ithc` command: dispatches to a subcommand. Later subcommands (sign, trust, seal, ...) are one
 * row in COMMANDS each.
 */
import { UsageError } from './args';
import { VERIFY_HELP, verifyCommand, type Io } from './verify';
import { trustlistCommand } from './trustlist';
import { partnersCommand } from './partners';
import { keysCommand } from './keys';
import { provisionCommand } from './provision';
import { storeCommand } from './store';
import pkg from '../package.json';

interface Command {
  summary: { en: string; zh: string };
  run(argv: readonly string[], io: Io): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  verify: { summary: { en: 'verify health certificate codes or QR images', zh: '验证健康证明二维码或二维码图片' }, run: verifyCommand },
  partners: {
    summary: { en: 'list, export or import partner authorities (keys, formats, entry rules)', zh: '列出、导出或导入合作方主管机构（公钥、格式、入境规则）' },
    run: partnersCommand,
  },
  trustlist: {
    summary: { en: 'export our trust list (EU DSC-list shape, or --signed)', zh: '导出信任列表（欧盟 DSC 列表格式，或 --signed 签名格式）' },
    run: trustlistCommand,
  },
  keys: {
    summary: { en: "the offline CSCA: create it, certify the cloud's keys; key-encryption keys", zh: '离线 CSCA：创建、为云端密钥签发证书；密钥加密密钥' },
    run: keysCommand,
  },
  provision: {
    summary: {
      en: 'provision and run a deployment: collections, registries, sources, operators, keys',
      zh: '配置和运行部署：集合、登记库、数据来源机构、运营人员、密钥',
    },
    run: provisionCommand,
  },
  store: {
    summary: { en: "a local installation's store: check it, back it up while it runs", zh: '本地部署的数据库：检查，运行中备份' },
    run: storeCommand,
  },
};

export const MAIN_HELP = `ithc ${pkg.version} — International Travel Health Certificate tool 国际旅行健康证明工具

Usage 用法: ithc COMMAND [OPTIONS]

Commands 命令:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary.en}\n  ${''.padEnd(10)}${c.summary.zh}`)
  .join('\n')}

Run "ithc COMMAND --help" for a command's options. 运行 "ithc 命令 --help" 查看该命令的选项。
`;

/** Runs the CLI; returns the exit status. Never throws: every failure becomes a message and status 2. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && rest[0] === 'verify') io.stdout.write(VERIFY_HELP);
      else io.stdout.write(MAIN_HELP);
      return 0;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (first === undefined) {
      io.stderr.write(MAIN_HELP);
      return 2;
    }
    const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(first)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = first && Object.hasOwn(COMMANDS, first) ? `ithc ${first} --help` : 'ithc --help';
      io.stderr.write(`ithc: ${e.message}\nTry "${cmd}". 用法错误，请运行 "${cmd}"。\n`);
      return 2;
    }
    io.stderr.write(`ithc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
