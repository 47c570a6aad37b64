/**
 * `ithc store check|backup`: the SQLite store of a local installation (the data folder `npm start`
 * uses), for operators:
 *
 *   check                  integrity_check of the store file
 *   backup --out FILE      a consistent copy, taken while the server runs (server/store/sqlite.ts
 *                          backupStore), owner-only, checked before the command ends
 *
 * The data folder is opened by store-local.ts, a bundle of its own loaded only here.
 */
import { actionOf, formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import type { Io } from './verify';
import { loadApart } from './apart';
import { noDataFolder } from '../node/data-dir';

export const STORE_OPTIONS: readonly OptionSpec[] = [
  { name: 'data', value: 'DIR', help: { en: 'the data folder (default: $ITHC_DATA_DIR or .data)', zh: '数据目录（默认 $ITHC_DATA_DIR 或 .data）' } },
  { name: 'out', value: 'FILE', help: { en: 'backup: the copy to make (a new file, never overwritten)', zh: '备份：生成的副本（新文件，不覆盖）' } },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const STORE_HELP = `Usage: ithc store check [--data DIR]
       ithc store backup --out FILE [--data DIR]
用法: ithc store check|backup [选项]

check checks the store file of a local installation (SQLite integrity_check). backup writes a
consistent copy of it while the server runs: every write answered before the backup began is in
it, the file is owner-only (0600), and it gets the name FILE only once checked (a backup stopped
midway leaves no FILE). The copy holds the signing keys only wrapped under the key-encryption
key, which stays in the folder's secrets/kek: back that up too, and keep it apart from the copies
(docs/local.md). To restore, stop the server and put the copy in place of ithc.sqlite, removing
ithc.sqlite-wal and ithc.sqlite-shm.
check 检查本地部署的数据库文件；backup 在服务运行时生成一致的副本（权限 0600，生成后即校验）。
副本中的签名密钥均以密钥加密密钥（secrets/kek）封装：请另行备份该密钥，并与副本分开保存。

Options 选项:
${formatOptions(STORE_OPTIONS)}

Exit status 退出码: 0 sound, or backed up 完好或已备份 · 1 damaged, or the backup failed 已损坏或备份失败 · 2 usage error 用法错误

Examples 示例:
  ithc store check
  ithc store backup --out /backup/ithc-$(date +%F).sqlite --data /srv/ithc
`;

/** Synchronous underneath (SQLite's calls are); a Promise for the command table. */
export function storeCommand(argv: readonly string[], io: Io): Promise<number> {
  return Promise.resolve(runStore(argv, io));
}

function runStore(argv: readonly string[], io: Io): number {
  const { options, positionals } = parseArgs(STORE_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(STORE_HELP);
    return 0;
  }
  const { action, rest } = actionOf('store', ['check', 'backup'] as const, positionals);
  if (rest.length) throw new UsageError(`store ${action} takes no FILE argument${action === 'backup' ? ' (give --out FILE)' : ''}`);
  const data = typeof options.data === 'string' ? options.data : undefined;
  const out = typeof options.out === 'string' ? options.out : undefined;
  if (action === 'backup' && out === undefined) throw new UsageError('store backup needs --out FILE');
  if (action === 'check' && out !== undefined) throw new UsageError('--out is for store backup');
  const local = loadApart<typeof import('./store-local')>('cli-store.cjs', './store-local');
  try {
    if (action === 'check') {
      const { file, bytes, freeBytes, report } = local.checkDataFolder(data);
      if (report.ok) {
        io.stdout.write(`${file}: 完好 / sound (${megabytes(bytes)}, of which free pages ${megabytes(freeBytes ?? 0)}, which a backup leaves out)\n`);
        return 0;
      }
      io.stdout.write(`${file}: 已损坏 / damaged\n`);
      for (const p of report.problems.slice(0, 50)) io.stdout.write(`  ${p}\n`);
      if (report.problems.length > 50) io.stdout.write(`  … ${report.problems.length - 50} more\n`);
      return 1;
    }
    const { file, report } = local.backupDataFolder(data, out!);
    const counts = Object.entries(report.documents)
      .filter(([, n]) => n > 0)
      .map(([coll, n]) => `${coll} ${n.toLocaleString('en-US')}`)
      .join(' · ');
    io.stdout.write(
      `已备份 / backed up ${file}\n  to ${out!}: ${megabytes(report.bytes)}, schema version ${report.schemaVersion}, integrity ok\n  ${counts || 'no documents'}\n` +
        `The copy holds no key in clear: back up secrets/kek too, and keep it apart from the copies.\n请另行备份 secrets/kek，并与副本分开保存。\n`,
    );
    return 0;
  } catch (e) {
    const missing = noDataFolder(e);
    if (missing) throw new UsageError(missing);
    if (e instanceof local.BackupError) {
      if (e.code === 'BACKUP_EXISTS') throw new UsageError(e.message);
      io.stderr.write(`ithc: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
