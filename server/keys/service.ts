/**
 * Signing keys: our country signing CA (CSCA) and the document signing certificates (DSC) it
 * issues. One DSC is active for issuance; on rotation a new one takes over and the old ones stay
 * published (and verifying) until their certificates expire. Only metadata and public certificates
 * are in the store; private keys stay in the SecretStore.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { toBase64, toBase64Url, fromBase64 } from '../../core/bytes';
import type { Signer } from '../../core/crypto/provider';
import { kidFromCertificate, type TrustedKey } from '../../core/keys';
import { trustedKeyFromCertificate } from '../../core/x509';
import { nodeEs256Signer } from '../../node/crypto-node';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { Doc, Store } from '../store/store';
import type { SecretStore } from './secrets';
import { buildCertificate, type DistinguishedName } from './x509-builder';

const DAY = 86_400_000;

export interface KeyConfig {
  country: string;
  organisation: string;
  /** DSC lifetime. HCERT recommends DSCs valid for up to two years; we rotate yearly. */
  dscValidityDays: number;
  cscaValidityDays: number;
}

export const DEFAULT_KEY_CONFIG: KeyConfig = { country: 'CN', organisation: 'ITHC', dscValidityDays: 730, cscaValidityDays: 3650 };

export interface KeyDoc extends Doc {
  kind: 'csca' | 'dsc';
  /** kid, base64 (as DSC lists write it). */
  kid: string;
  certificate: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  status: 'active' | 'retired';
  createdAt: number;
  secret: string;
}

export interface ActiveKey {
  kid: Uint8Array;
  signer: Signer;
  /** The same key for a signing worker thread (node/sign-pool.ts): a KeyObject crosses threads without being exported. */
  privateKey: KeyObject;
  certificate: Uint8Array;
  notAfter: number;
}

export class KeyService {
  private active?: { doc: KeyDoc; key: ActiveKey };
  /** Every DSC's metadata as last read (see isPublished). */
  private dscs?: KeyDoc[];

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
    private readonly config: KeyConfig = DEFAULT_KEY_CONFIG,
  ) {}

  /** Creates the CSCA and the first DSC when there are none (first run). Idempotent. */
  async ensure(): Promise<void> {
    const cscas = await this.store.find('keys', { kind: 'csca', status: 'active' });
    if (cscas.length === 0) await this.createCsca();
    const dscs = await this.store.find('keys', { kind: 'dsc', status: 'active' });
    if (dscs.length === 0) await this.rotate();
  }

  private dn(cn: string): DistinguishedName {
    return { C: this.config.country, O: this.config.organisation, CN: cn };
  }

  private async createCsca(): Promise<KeyDoc> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = this.clock.now();
    const der = buildCertificate({
      subject: this.dn(`${this.config.organisation} CSCA`),
      publicKey,
      selfSigningKey: privateKey,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + this.config.cscaValidityDays * DAY),
      ca: true,
    });
    return this.save('csca', der, privateKey, now);
  }

  private async save(kind: 'csca' | 'dsc', der: Uint8Array, privateKey: KeyObject, now: number): Promise<KeyDoc> {
    const kid = kidFromCertificate(der);
    const secret = `${kind}-${toBase64Url(kid).toLowerCase().replace(/[^a-z0-9]/g, '')}-${now}`;
    await this.secrets.put(secret, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const info = trustedKeyFromCertificate(der);
    const doc: KeyDoc = {
      _id: `${kind}:${toBase64Url(kid)}`,
      kind,
      kid: toBase64(kid),
      certificate: toBase64(der),
      subject: info.subject ?? '',
      notBefore: (info.notBefore ?? 0) * 1000,
      notAfter: (info.notAfter ?? 0) * 1000,
      status: 'active',
      createdAt: now,
      secret,
    };
    await this.store.insert('keys', doc);
    return doc;
  }

  private async csca(): Promise<{ doc: KeyDoc; privateKey: KeyObject; publicKey: KeyObject }> {
    const [doc] = (await this.store.find('keys', { kind: 'csca', status: 'active' }, { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 1 })) as KeyDoc[];
    if (!doc) throw new ServiceError('UNAVAILABLE', 'no signing CA has been set up');
    const pem = await this.secrets.get(doc.secret);
    if (!pem) throw new ServiceError('UNAVAILABLE', 'the signing CA key is not available');
    const privateKey = createPrivateKey(pem);
    return { doc, privateKey, publicKey: createPublicKey(privateKey) };
  }

  /** Issues a new DSC under the CSCA and makes it the active signing key; earlier DSCs are retired but stay published. */
  async rotate(): Promise<KeyDoc> {
    const ca = await this.csca();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = this.clock.now();
    const count = await this.store.count('keys', { kind: 'dsc' });
    const der = buildCertificate({
      subject: this.dn(`${this.config.organisation} DSC ${count + 1}`),
      publicKey,
      issuer: { name: this.dn(`${this.config.organisation} CSCA`), privateKey: ca.privateKey, publicKey: ca.publicKey },
      notBefore: new Date(now - DAY),
      notAfter: new Date(Math.min(now + this.config.dscValidityDays * DAY, ca.doc.notAfter)),
      ca: false,
      usages: ['t', 'v', 'r'],
    });
    const previous = (await this.store.find('keys', { kind: 'dsc', status: 'active' })) as KeyDoc[];
    const doc = await this.save('dsc', der, privateKey, now);
    for (const p of previous) await this.store.update('keys', p._id, { status: 'retired' });
    this.active = undefined;
    this.dscs = undefined;
    return doc;
  }

  /** The key that signs new certificates. */
  async activeKey(): Promise<ActiveKey> {
    if (this.active && this.active.doc.notAfter > this.clock.now()) return this.active.key;
    const [doc] = (await this.store.find('keys', { kind: 'dsc', status: 'active' }, { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 1 })) as KeyDoc[];
    if (!doc) throw new ServiceError('UNAVAILABLE', 'no active signing key');
    if (doc.notAfter <= this.clock.now()) throw new ServiceError('UNAVAILABLE', 'the active signing certificate has expired; rotate the key');
    const pem = await this.secrets.get(doc.secret);
    if (!pem) throw new ServiceError('UNAVAILABLE', 'the signing key is not available');
    const certificate = fromBase64(doc.certificate);
    const privateKey = createPrivateKey(pem);
    const key: ActiveKey = { kid: fromBase64(doc.kid), signer: nodeEs256Signer(privateKey), privateKey, certificate, notAfter: doc.notAfter };
    this.active = { doc, key };
    return key;
  }

  /** Every DSC still valid at `at` (ms), active or retired: what verifiers must trust. */
  async publishedSigningCertificates(at = this.clock.now()): Promise<KeyDoc[]> {
    const all = (await this.store.find('keys', { kind: 'dsc' }, { orderBy: { field: 'createdAt', direction: 'asc' }, limit: 1000 })) as KeyDoc[];
    this.dscs = all;
    return all.filter((d) => d.notAfter > at);
  }

  /**
   * Is the DSC with this kid (base64) published at `at`? Asked on every repeated issue request, so
   * answered from the DSCs last read when it is among them: a DSC's certificate and validity never
   * change once stored, and DSCs are never removed (retired ones stay published until they
   * expire). A kid not among them (a DSC made by another instance since) reads the store again.
   */
  async isPublished(kid: string, at = this.clock.now()): Promise<boolean> {
    const known = this.dscs?.find((d) => d.kid === kid);
    if (known) return known.notAfter > at;
    return (await this.publishedSigningCertificates(at)).some((d) => d.kid === kid);
  }

  async cscaCertificate(): Promise<Uint8Array> {
    return fromBase64((await this.csca()).doc.certificate);
  }

  /** The published DSCs as trusted keys (for verifying our own codes server-side). */
  async trustedKeys(): Promise<TrustedKey[]> {
    return (await this.publishedSigningCertificates()).map((d) => trustedKeyFromCertificate(fromBase64(d.certificate), { country: this.config.country }));
  }

  /** The CSCA private key, for signing trust lists. Server-side only. */
  async cscaSigningKey(): Promise<{ privateKey: KeyObject; certificate: Uint8Array }> {
    const ca = await this.csca();
    return { privateKey: ca.privateKey, certificate: fromBase64(ca.doc.certificate) };
  }
}
