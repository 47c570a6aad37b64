/**
 * Where the key-encryption key (KEK, server/keys/vault.ts) comes from: the one secret the server
 * reads from outside its store. Every other key is kept in the store, wrapped under it.
 * - FileSecretStore: local and single-machine use; one file per secret in the data folder,
 *   created with mode 0600 in a 0700 folder. The KEK is generated there on first run. The local
 *   CSCA (server/keys/local.ts) and the demo partner's key live there too.
 * - EnvSecretStore: production (CloudBase function environment variables, or a secret manager that
 *   injects them): ITHC_SECRET_<NAME>, i.e. ITHC_SECRET_KEK (and ITHC_SECRET_KEK_PREVIOUS while the
 *   KEK is rotated). Read-only.
 */
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  put(name: string, value: string): Promise<void>;
  /** Stores `value` unless the secret exists; returns what is stored then. Where two processes may create the same secret at once. */
  putIfAbsent?(name: string, value: string): Promise<string>;
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
    return Promise.resolve(existsSync(p) ? readFileSync(p, 'utf8') : undefined);
  }

  async put(name: string, value: string): Promise<void> {
    const tmp = this.temporary(name, value);
    // Written under a temporary name and renamed, so a crash never leaves half a key behind.
    renameSync(tmp, join(this.dir, name));
    return Promise.resolve();
  }

  async putIfAbsent(name: string, value: string): Promise<string> {
    const tmp = this.temporary(name, value);
    try {
      // link() fails when the name exists: of two processes creating it at once, one wins whole.
      linkSync(tmp, join(this.dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
    return (await this.get(name))!;
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    rmSync(join(this.dir, name), { force: true });
    return Promise.resolve();
  }

  private temporary(name: string, value: string): string {
    checkName(name);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const tmp = join(this.dir, `${name}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(tmp, value, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    return tmp;
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
    return Promise.resolve(v === undefined ? undefined : v.replace(/\\n/g, '\n'));
  }

  put(name: string): Promise<void> {
    return Promise.reject(
      new Error(`secret ${name} is read-only here (${EnvSecretStore.varName(name)}): keys the functions make are stored wrapped under the KEK (docs/keys.md)`),
    );
  }
}
