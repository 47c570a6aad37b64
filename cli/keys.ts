/**
 * `ithc keys`: the operator's side of our PKI (docs/keys.md), run on the offline machine that
 * keeps the country signing CA:
 *
 *   create-csca   a new CSCA: its private key to a file only the operator can read (0600, never
 *                 printed), its certificate to another
 *   certify CSR   the certificate for a key the cloud made (admin.rotateKey gives the request),
 *                 as a document signer (--profile dsc) or a trust-list signer
 *   new-kek       a key-encryption key for the cloud functions' ITHC_SECRET_KEK, to a 0600 file
 *   rotate-kek    a new KEK for a local data folder, every wrapped key re-wrapped under it
 *
 * The CA work is server/keys/ca.ts; rotate-kek opens a data folder through keys-local.ts, a bundle
 * of its own loaded only by that action.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { toBase64 } from '../core/bytes';
import { kidFromCertificate } from '../core/keys';
import { parseCertificate } from '../core/x509';
import {
  CaError,
  CSCA_DEFAULT_DAYS,
  PROFILES,
  certificatePem,
  certifyRequest,
  createCsca,
  loadOfflineCa,
  privateKeyPem,
  type CertificateProfile,
} from '../server/keys/ca';
import { CsrError } from '../server/keys/csr';
import { newKekText } from '../server/keys/vault';
import { actionOf, formatOptions, parseArgs, UsageError, type OptionSpec } from './args';
import { readInputFile, writeOutput } from './trust';
import type { Io } from './verify';
import { loadApart } from './apart';
import { noDataFolder } from '../node/data-dir';

export const KEYS_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'key-out',
    value: 'FILE',
    help: {
      en: 'create-csca: where the CSCA private key goes (created 0600; never overwritten)',
      zh: 'create-csca：CSCA 私钥写入的文件（权限 0600，不覆盖已有文件）',
    },
  },
  { name: 'cert-out', value: 'FILE', help: { en: 'create-csca: where the CSCA certificate goes', zh: 'create-csca：CSCA 证书写入的文件' } },
  { name: 'country', value: 'XX', help: { en: 'create-csca: ISO 3166-1 alpha-2 country (default CN)', zh: 'create-csca：国家代码（默认 CN）' } },
  { name: 'organisation', value: 'NAME', help: { en: 'create-csca: organisation (default ITHC)', zh: 'create-csca：机构名称（默认 ITHC）' } },
  { name: 'name', value: 'CN', help: { en: 'create-csca: common name (default "<organisation> CSCA")', zh: 'create-csca：通用名称' } },
  { name: 'csca', value: 'FILE', help: { en: 'certify: the CSCA certificate (PEM or DER)', zh: 'certify：CSCA 证书（PEM 或 DER）' } },
  { name: 'csca-key', value: 'FILE', help: { en: 'certify: the CSCA private key (PKCS#8 PEM)', zh: 'certify：CSCA 私钥（PKCS#8 PEM）' } },
  {
    name: 'profile',
    value: 'dsc|ithc-dsc|trustlist-signer',
    help: { en: 'certify: what the certificate is for (default dsc)', zh: 'certify：证书用途（默认 dsc 文档签名证书）' },
  },
  {
    name: 'days',
    value: 'N',
    help: { en: 'days of validity (CSCA default 3650; DSC and trust-list signer default 730)', zh: '有效天数（CSCA 默认 3650，签名证书默认 730）' },
  },
  {
    name: 'out',
    value: 'FILE',
    help: {
      en: 'certify: write the certificate to FILE (default standard output); new-kek: the KEK file',
      zh: 'certify：证书写入文件（默认标准输出）；new-kek：KEK 文件',
    },
  },
  {
    name: 'data',
    value: 'DIR',
    help: { en: 'rotate-kek: the data folder (default: $ITHC_DATA_DIR or .data)', zh: 'rotate-kek：数据目录（默认 $ITHC_DATA_DIR 或 .data）' },
  },
  { name: 'help', short: 'h', help: { en: 'show this help', zh: '显示此帮助' } },
];

export const KEYS_HELP = `Usage: ithc keys create-csca --key-out FILE --cert-out FILE [--country XX] [--organisation NAME] [--name CN] [--days N]
       ithc keys certify CSR --csca FILE --csca-key FILE [--profile dsc|ithc-dsc|trustlist-signer] [--days N] [--out FILE]
       ithc keys new-kek --out FILE
       ithc keys rotate-kek [--data DIR]
用法: ithc keys create-csca|certify|new-kek|rotate-kek [选项]

The operator's keys (docs/keys.md). The CSCA stays on this offline machine: it certifies the keys
the cloud makes (admin.rotateKey gives their certificate signing request; admin.installCertificate
takes the certificate back). Private keys are written to files only the owner can read and are
never printed.
运营方密钥管理。CSCA 私钥只保存在离线机器上，为云端生成的密钥签发证书；私钥只写入仅所有者可读的文件，绝不打印。

Options 选项:
${formatOptions(KEYS_OPTIONS)}

Exit status 退出码: 0 done 完成 · 1 refused (a bad request or key) 请求被拒绝 · 2 usage error 用法错误

Examples 示例:
  ithc keys create-csca --key-out /media/offline/csca.key --cert-out csca.pem
  ithc keys certify dsc-2.csr --csca csca.pem --csca-key /media/offline/csca.key --out dsc-2.pem
  ithc keys certify signer.csr --profile trustlist-signer --csca csca.pem --csca-key /media/offline/csca.key --out signer.pem
  ithc keys new-kek --out kek.txt
`;

const ACTIONS = ['create-csca', 'certify', 'new-kek', 'rotate-kek'] as const;
type Action = (typeof ACTIONS)[number];
/** Which options each action takes (help excepted). */
const TAKES: Record<Action, readonly string[]> = {
  'create-csca': ['key-out', 'cert-out', 'country', 'organisation', 'name', 'days'],
  certify: ['csca', 'csca-key', 'profile', 'days', 'out'],
  'new-kek': ['out'],
  'rotate-kek': ['data'],
};

export async function keysCommand(argv: readonly string[], io: Io): Promise<number> {
  const { options, positionals } = parseArgs(KEYS_OPTIONS, argv);
  if (options.help) {
    io.stdout.write(KEYS_HELP);
    return 0;
  }
  const { action: a, rest } = actionOf<Action>('keys', ACTIONS, positionals);
  for (const name of Object.keys(options)) if (name !== 'help' && !TAKES[a].includes(name)) throw new UsageError(`--${name} is not an option of keys ${a}`);
  if (rest.length !== (a === 'certify' ? 1 : 0))
    throw new UsageError(a === 'certify' ? 'keys certify needs exactly one CSR file' : `keys ${a} takes no file argument`);
  const text = (name: string): string | undefined => (typeof options[name] === 'string' ? options[name] : undefined);
  const required = (name: string): string => {
    const v = text(name);
    if (v === undefined) throw new UsageError(`keys ${a} needs --${name}`);
    return v;
  };
  const days = text('days') === undefined ? undefined : parseDays(text('days')!);
  try {
    if (a === 'create-csca')
      return createCscaAction(io, {
        keyOut: required('key-out'),
        certOut: required('cert-out'),
        country: text('country') ?? 'CN',
        organisation: text('organisation') ?? 'ITHC',
        name: text('name'),
        days,
      });
    if (a === 'certify')
      return certifyAction(io, {
        csr: rest[0],
        csca: required('csca'),
        cscaKey: required('csca-key'),
        profile: parseProfile(text('profile') ?? 'dsc'),
        days,
        out: text('out'),
      });
    if (a === 'new-kek') {
      writeSecretFile(required('out'), newKekText() + '\n');
      io.stdout.write(
        `wrote a new key-encryption key to ${text('out')} (0600). Set it as ITHC_SECRET_KEK of every cloud function; keep a copy offline. See docs/keys.md.\n已生成密钥加密密钥。\n`,
      );
      return 0;
    }
    const report = await loadLocal().rotateLocalKek(text('data'));
    io.stdout.write(
      `KEK ${report.kek}: ${report.rewrapped} of ${report.total} wrapped keys re-wrapped${report.unreadable.length ? `; ${report.unreadable.length} could not be opened: ${report.unreadable.join(', ')}` : '; rotation complete'}\n`,
    );
    return report.unreadable.length ? 1 : 0;
  } catch (e) {
    if (e instanceof CaError || e instanceof CsrError) {
      io.stderr.write(`ithc: refused: ${e.message}\n拒绝：请求或密钥无效。\n`);
      return 1;
    }
    const missing = noDataFolder(e);
    if (missing) throw new UsageError(missing);
    throw e;
  }
}

function createCscaAction(io: Io, o: { keyOut: string; certOut: string; country: string; organisation: string; name?: string; days?: number }): number {
  for (const f of [o.keyOut, o.certOut]) if (existsSync(f)) throw new UsageError(`${f} exists; refusing to overwrite it`);
  const ca = createCsca({ country: o.country, organisation: o.organisation, commonName: o.name, days: o.days ?? CSCA_DEFAULT_DAYS, now: Date.now() });
  writeSecretFile(o.keyOut, privateKeyPem(ca.privateKey));
  writeNewFile(o.certOut, certificatePem(ca.certificate));
  io.stdout.write(
    `${describe(ca.certificate)}\nwrote the CSCA certificate to ${o.certOut} and its private key to ${o.keyOut} (0600). Keep the key offline; install the certificate with admin.installCsca.\n已生成 CSCA：私钥请离线保存。\n`,
  );
  return 0;
}

function certifyAction(io: Io, o: { csr: string; csca: string; cscaKey: string; profile: CertificateProfile; days?: number; out?: string }): number {
  const csr = readInputFile(o.csr, 'certificate signing request', 64 * 1024);
  const certificate = readInputFile(o.csca, 'CSCA certificate', 64 * 1024);
  const keyPem = new TextDecoder().decode(readInputFile(o.cscaKey, 'CSCA key', 64 * 1024));
  const der = certifyRequest(loadOfflineCa(certificate, keyPem), csr, { profile: o.profile, days: o.days, now: Date.now() });
  writeOutput(io.stdout, o.out, certificatePem(der).trimEnd());
  io.stderr.write(
    `${describe(der)}\nissued a ${PROFILES[o.profile].what}${o.out ? ` to ${o.out}` : ''}; install it with admin.installCertificate.\n已签发证书。\n`,
  );
  return 0;
}

function describe(der: Uint8Array): string {
  const c = parseCertificate(der);
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return `  subject  ${c.subject}\n  issuer   ${c.issuer}\n  kid      ${toBase64(kidFromCertificate(der))}\n  valid    ${iso(c.notBefore)} – ${iso(c.notAfter)}`;
}

function parseProfile(text: string): CertificateProfile {
  if (text === 'dsc' || text === 'ithc-dsc' || text === 'trustlist-signer') return text;
  throw new UsageError(`--profile must be dsc, ithc-dsc or trustlist-signer, not ${JSON.stringify(text)}`);
}

function parseDays(text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`--days expects a whole number of days, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** A new file only the owner can read; an existing one is never overwritten. */
function writeSecretFile(path: string, content: string): void {
  writeNewFile(path, content, 0o600);
}

function writeNewFile(path: string, content: string, mode = 0o644): void {
  try {
    writeFileSync(path, content, { flag: 'wx', mode });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `${path} exists; refusing to overwrite it` : `cannot write ${path}: ${code ?? String(e)}`);
  }
}

function loadLocal(): typeof import('./keys-local') {
  return loadApart<typeof import('./keys-local')>('cli-keys.cjs', './keys-local');
}
