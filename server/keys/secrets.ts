/**
 * Where private keys live. Never in the store, a response, a log or the mini program.
 * - FileSecretStore: local and single-machine use; one file per secret in the data folder,
 *   created with mode 0600 in a 0700 folder. Generated on first run.
 * - EnvSecretStore: production (CloudBase function environment variables or a secret manager that
 *   injects them): ITHC_SECRET_<NAME>. Read-only: rotation there is an operator's deployment step.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  put(name: string, value: string): Promise<void>;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,80}$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new TypeError(`bad secret name ${JSON.stringify(name)}`);
}

export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  async get(name: string): Promise<string | undefined> {
    checkName(name);
    const p = join(this.dir, name);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  async put(name: string, value: string): Promise<void> {
    checkName(name);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const p = join(this.dir, name);
    const tmp = `${p}.tmp-${process.pid}`;
    // Written under a temporary name and renamed, so a crash never leaves half a key behind.
    writeFileSync(tmp, value, { mode: 0o600, flag: 'w' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, p);
  }
}

export class EnvSecretStore implements SecretStore {
  constructor(private readonly env: Record<string, string | undefined>) {}

  static varName(name: string): string {
    return `ITHC_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  }

  async get(name: string): Promise<string | undefined> {
    checkName(name);
    const v = this.env[EnvSecretStore.varName(name)];
    // Environment variables often carry PEM with literal \n.
    return v === undefined ? undefined : v.replace(/\\n/g, '\n');
  }

  async put(name: string): Promise<void> {
    throw new Error(`secret ${name} must be provisioned by the operator as ${EnvSecretStore.varName(name)}`);
  }
}
