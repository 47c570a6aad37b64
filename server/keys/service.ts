/**
 * Signing keys (docs/keys.md). The country signing CA (CSCA) is offline, with the operator: the
 * service holds only its certificate (admin.installCsca). The keys the service signs with are made
 * here, kept only wrapped under the KEK (vault.ts), and certified offline:
 *
 *   admin.rotateKey          a new P-256 key pair and its PKCS#10 request    pending-certification
 *   ithc keys certify        the operator's CSCA issues the certificate (offline)
 *   admin.installCertificate checked: chains to the CSCA, matches the key,   published
 *                            profile and validity sane
 *   activatesAt              the DSC starts signing                          active
 *   a newer DSC activates    stays in both trust lists until it expires      retired
 *
 * Three kinds: the document signer for EU DCCs (`dsc`, HC1: codes), the document signer for ITHC
 * comprehensive certificates (`ithc-dsc`, ITHC1: codes), each with the key usage of its format
 * only (ca.ts), and the trust-list signer, which signs our trust list on the CSCA's behalf. Separate
 * keys per format mean an ITHC1 code relabelled HC1: never verifies under a key a DCC verifier
 * trusts. Each DSC kind rotates on its own. A new DSC is published for prePublicationDays
 * (default 7) before it signs, so that verifiers holding a list fetched days ago already trust it;
 * the DSC it replaces keeps signing until then and stays published until it expires, which is
 * after the last code it signed (issuance caps a code's expiry at its DSC's notAfter). A
 * trust-list signer signs as soon as it is installed: verifiers check it against the CSCA.
 *
 * Status is derived from the stored times, never flipped by a timer: every instance, at any
 * moment, agrees on which key signs. Metadata is re-read at least once a minute, so a certificate
 * installed through another instance is used within a minute of its activation.
 *
 * Locally (npm start, the demo) a `certifier` stands in for the operator: the data folder's own
 * CSCA certifies each request at once, through the same functions `ithc keys certify` uses.
 *
 * Every change an operator makes (an `actor` given) is written to the audit log; the local
 * composition's own first keys are not an operator's act and are not.
 */
import { createHash, generateKeyPairSync, createPrivateKey, randomUUID, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import type { Signer } from '../../core/crypto/provider';
import { ITHC_SIGNER_EKU, kidFromCertificate, type TrustedKey } from '../../core/keys';
import { TRUST_LIST_SIGNER_EKU } from '../../core/trustlist';
import { KEY_USAGE, certificateDer, parseCertificate, trustedKeyFromCertificate, type ParsedCertificate } from '../../core/x509';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { StoreConflict, type Doc, type Store } from '../store/store';
import { DCC_DSC_USAGES } from './ca';
import { buildCsr, csrPem } from './csr';
import { nodeEs256Signer } from './es256-signer';
import type { KeyVault } from './vault';

const DAY = 86_400_000;
/** Clock difference tolerated between the operator's CA and the service. */
const CLOCK_SKEW = 300_000;
/** How long key metadata read from the store is used before it is read again. */
const META_TTL = 60_000;
/** A key installed must be able to sign for at least this long after it activates. */
const MIN_SIGNING_DAYS = 30;
/** Longest certificate accepted (the CA's profiles allow three years). */
const MAX_LIFETIME_DAYS = 1097;

export const SIGNING_KEY_KINDS = ['dsc', 'ithc-dsc', 'trustlist-signer'] as const;
export type SigningKeyKind = (typeof SIGNING_KEY_KINDS)[number];
/** The document signers: `dsc` signs HC1: codes (EU DCCs), `ithc-dsc` signs ITHC1: codes. */
export type DocumentSignerKind = 'dsc' | 'ithc-dsc';
const DOCUMENT_SIGNER_KINDS: readonly string[] = ['dsc', 'ithc-dsc'];
const isDocumentSigner = (kind: string): boolean => DOCUMENT_SIGNER_KINDS.includes(kind);

export interface KeyConfig {
  country: string;
  organisation: string;
  /** Days a new DSC is published in both trust lists before it signs. */
  prePublicationDays: number;
}

export const DEFAULT_KEY_CONFIG: KeyConfig = { country: 'CN', organisation: 'ITHC', prePublicationDays: 7 };

export type KeyStatus = 'pending-certification' | 'published' | 'active' | 'retired' | 'expired';

export interface KeyDoc extends Doc {
  kind: 'csca' | SigningKeyKind;
  /** 32 hex digits of SHA-256 over the SubjectPublicKeyInfo: names the key before it has a certificate. */
  keyId: string;
  subject: string;
  /** SubjectPublicKeyInfo, base64 DER. */
  publicKey: string;
  createdAt: number;
  /** The PKCS#10 request, base64 DER (dsc, trust-list signer). */
  csr?: string;
  /** Once certified: */
  certificate?: string;
  /** kid, base64 (as DSC lists write it). */
  kid?: string;
  notBefore?: number;
  notAfter?: number;
  certifiedAt?: number;
  /** When it starts signing (ms). */
  activatesAt?: number;
}

export type CertifiedKeyDoc = KeyDoc & { certificate: string; kid: string; notBefore: number; notAfter: number; certifiedAt: number; activatesAt: number };

export interface KeyView {
  kind: KeyDoc['kind'];
  keyId: string;
  status: KeyStatus;
  subject: string;
  kid?: string;
  notBefore?: string;
  notAfter?: string;
  activatesAt?: string;
  /** The request to certify, PEM (while pending-certification). */
  csr?: string;
}

export interface ActiveKey {
  kid: Uint8Array;
  signer: Signer;
  /** The same key for a signing worker thread (node/sign-pool.ts): a KeyObject crosses threads without being exported. */
  privateKey: KeyObject;
  certificate: Uint8Array;
  notAfter: number;
}

/** Certifies a request at once: the local stand-in for the operator's offline CA (server/keys/local.ts). */
export type Certifier = (csr: Uint8Array, kind: SigningKeyKind) => Promise<Uint8Array>;

export interface KeyServiceDeps {
  store: Store;
  vault: KeyVault;
  clock: Clock;
  config?: KeyConfig;
  certifier?: Certifier;
}

const CSCA_DOC = 'csca';
const pendingMarker = (kind: SigningKeyKind) => `pending:${kind}`;

export function keyIdOf(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex').slice(0, 32);
}

function isCertified(d: KeyDoc): d is CertifiedKeyDoc {
  return typeof d.certificate === 'string' && typeof d.notAfter === 'number' && typeof d.activatesAt === 'number';
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export class KeyService {
  private readonly store: Store;
  private readonly vault: KeyVault;
  private readonly clock: Clock;
  private readonly config: KeyConfig;
  private readonly certifier?: Certifier;
  private meta?: { readAt: number; docs: KeyDoc[]; legacy: number };
  /** Unwrapped private keys by keyId, as KeyObjects (never exported again). */
  private readonly opened = new Map<string, { key: KeyObject; active?: ActiveKey }>();

  constructor(deps: KeyServiceDeps) {
    this.store = deps.store;
    this.vault = deps.vault;
    this.clock = deps.clock;
    this.config = deps.config ?? DEFAULT_KEY_CONFIG;
    this.certifier = deps.certifier;
  }

  // --- metadata ------------------------------------------------------------------------------

  private async docs(fresh = false): Promise<KeyDoc[]> {
    const now = this.clock.now();
    if (!fresh && this.meta && now >= this.meta.readAt && now - this.meta.readAt < META_TTL) return this.meta.docs;
    const all = (await this.store.find(
      'keys',
      { kind: { $in: ['csca', ...SIGNING_KEY_KINDS] } },
      { orderBy: { field: 'createdAt', direction: 'asc' }, limit: 1000 },
    )) as KeyDoc[];
    // Records without a keyId were written before keys were wrapped (their private keys were files): not ours to use.
    const docs = all.filter((d) => typeof d.keyId === 'string');
    this.meta = { readAt: now, docs, legacy: all.length - docs.length };
    return docs;
  }

  /** How many key records predate wrapped keys (a data folder made by an earlier version). */
  async legacyRecords(): Promise<number> {
    await this.docs(true);
    return this.meta!.legacy;
  }

  /** The key of `kind` that signs at `at`: certified, unexpired, and the one activated most recently. */
  private activeAt(kind: SigningKeyKind, at: number, docs: readonly KeyDoc[]): CertifiedKeyDoc | undefined {
    let best: CertifiedKeyDoc | undefined;
    for (const d of docs) {
      if (d.kind !== kind || !isCertified(d) || d.activatesAt > at || d.notAfter <= at) continue;
      if (!best || d.activatesAt > best.activatesAt || (d.activatesAt === best.activatesAt && d.certifiedAt > best.certifiedAt)) best = d;
    }
    return best;
  }

  private statusAt(d: KeyDoc, at: number, docs: readonly KeyDoc[]): KeyStatus {
    if (d.kind === 'csca') return (d.notAfter ?? 0) > at ? 'active' : 'expired';
    if (!isCertified(d)) return 'pending-certification';
    if (d.notAfter <= at) return 'expired';
    if (d.activatesAt > at) return 'published';
    return this.activeAt(d.kind, at, docs)?._id === d._id ? 'active' : 'retired';
  }

  private view(d: KeyDoc, at: number, docs: readonly KeyDoc[]): KeyView {
    const status = this.statusAt(d, at, docs);
    return {
      kind: d.kind,
      keyId: d.keyId,
      status,
      subject: d.subject,
      ...(d.kid ? { kid: d.kid } : {}),
      ...(d.notBefore !== undefined ? { notBefore: iso(d.notBefore) } : {}),
      ...(d.notAfter !== undefined ? { notAfter: iso(d.notAfter) } : {}),
      ...(d.activatesAt !== undefined && d.kind !== 'csca' ? { activatesAt: iso(d.activatesAt) } : {}),
      ...(status === 'pending-certification' && d.csr ? { csr: csrPem(fromBase64(d.csr)) } : {}),
    };
  }

  /** Every key (CSCA, DSCs, trust-list signers) with its status at `at`: admin.keys. */
  async list(at = this.clock.now()): Promise<KeyView[]> {
    const docs = await this.docs(true);
    return docs.map((d) => this.view(d, at, docs));
  }

  // --- the CSCA's certificate -----------------------------------------------------------------

  /**
   * Installs the CSCA certificate the operator made offline (`ithc keys create-csca`): a
   * self-signed P-256 CA certificate of our country, valid now. Installing the same one again is
   * harmless; another one while one is installed is refused (a CSCA changes only with a new
   * trust anchor handed to every partner).
   */
  async installCsca(input: Uint8Array | string, actor?: string): Promise<KeyView> {
    const now = this.clock.now();
    const c = readCertificate(input);
    const bad = (why: string): never => {
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { certificate: why },
        messageCode: 'server.cscaRefused',
        params: { reason: why },
      });
    };
    if (!c.ca || (c.keyUsage !== undefined && !(c.keyUsage & KEY_USAGE.keyCertSign))) bad('it is not a CA certificate (basicConstraints cA, keyCertSign)');
    if (c.issuer !== c.subject || !issuedBy(c, c)) bad('it is not self-signed');
    if (c.key.kty !== 'EC' || c.key.crv !== 'P-256') bad('its key is not P-256');
    if (c.country !== this.config.country) bad(`it names country ${c.country ?? '(none)'}, not ${this.config.country}`);
    if (c.notBefore * 1000 > now + CLOCK_SKEW || c.notAfter * 1000 <= now) bad('it is not valid now');
    const der = toBase64(c.der);
    const doc: KeyDoc = {
      _id: CSCA_DOC,
      kind: 'csca',
      keyId: keyIdOf(c.key.spki),
      subject: c.subject,
      publicKey: toBase64(c.key.spki),
      createdAt: now,
      certificate: der,
      kid: toBase64(kidFromCertificate(c.der)),
      notBefore: c.notBefore * 1000,
      notAfter: c.notAfter * 1000,
      certifiedAt: now,
      activatesAt: now,
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.insert('keys', doc);
        if (actor)
          await tx.insert('audit', { _id: randomUUID(), at: now, action: 'keys.installCsca', actor, outcome: 'success', keyId: doc.keyId, kid: doc.kid! });
      });
    } catch (e) {
      if (!(e instanceof StoreConflict)) throw e;
      const existing = (await this.store.get('keys', CSCA_DOC)) as KeyDoc | null;
      if (existing?.certificate !== der) throw new ServiceError('CONFLICT', { messageCode: 'server.cscaOther', params: { subject: existing?.subject ?? '' } });
    }
    this.meta = undefined;
    const docs = await this.docs(true);
    return this.view(
      docs.find((d) => d._id === CSCA_DOC)!,
      now,
      docs,
    );
  }

  private async cscaDoc(): Promise<CertifiedKeyDoc> {
    const doc = (await this.docs()).find((d) => d._id === CSCA_DOC) ?? (await this.docs(true)).find((d) => d._id === CSCA_DOC);
    if (!doc || !isCertified(doc)) throw new ServiceError('UNAVAILABLE', { messageCode: 'server.cscaMissing' });
    return doc;
  }

  async cscaCertificate(): Promise<Uint8Array> {
    return fromBase64((await this.cscaDoc()).certificate);
  }

  // --- new keys and their certificates --------------------------------------------------------

  /**
   * Makes a new key of `kind` and its certificate signing request (pending-certification). The
   * private key is stored only wrapped. While a request of that kind waits for its certificate,
   * calling again returns it rather than making another key. With a local certifier the request
   * is certified and installed at once.
   */
  async rotate(kind: SigningKeyKind = 'dsc', actor?: string): Promise<KeyView> {
    if (!SIGNING_KEY_KINDS.includes(kind))
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { kind: 'dsc | ithc-dsc | trustlist-signer' },
        messageCode: 'server.keyKindUnknown',
        params: { kind: JSON.stringify(String(kind).slice(0, 40)) },
      });
    let pending = (await this.docs(true)).find((d) => d.kind === kind && !isCertified(d));
    if (!pending) pending = await this.request(kind, actor);
    if (this.certifier && pending.csr) await this.installCertificate(await this.certifier(fromBase64(pending.csr), kind), actor);
    const docs = await this.docs(true);
    return this.view(
      docs.find((d) => d._id === pending._id)!,
      this.clock.now(),
      docs,
    );
  }

  private async request(kind: SigningKeyKind, actor: string | undefined): Promise<KeyDoc> {
    const now = this.clock.now();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const keyId = keyIdOf(spki);
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    // Wrapped before its metadata exists: a crash in between leaves an unused wrapped key, never metadata without its key.
    await this.vault.create(kind, keyId, new Uint8Array(pkcs8));
    pkcs8.fill(0);
    const n = (await this.docs()).filter((d) => d.kind === kind).length + 1;
    const org = this.config.organisation;
    const dn = {
      C: this.config.country,
      O: org,
      CN: kind === 'dsc' ? `${org} DSC ${n}` : kind === 'ithc-dsc' ? `${org} ITHC DSC ${n}` : `${org} Trust List Signer ${n}`,
    };
    const csr = buildCsr(dn, publicKey, privateKey);
    const doc: KeyDoc = {
      _id: `${kind}:${keyId}`,
      kind,
      keyId,
      subject: `C=${dn.C}, O=${dn.O}, CN=${dn.CN}`,
      publicKey: toBase64(spki),
      createdAt: now,
      csr: toBase64(csr),
    };
    // One request per kind at a time, even when two operators rotate at once: the marker decides.
    const winner = await this.store.transaction(async (tx) => {
      const marker = await tx.get('keys', pendingMarker(kind));
      if (typeof marker?.keyId === 'string') {
        const other = (await tx.get('keys', `${kind}:${marker.keyId}`)) as KeyDoc | null;
        if (other && !isCertified(other)) return other;
      }
      await tx.put('keys', { _id: pendingMarker(kind), kind: 'pending', keyId, createdAt: now });
      await tx.insert('keys', doc);
      if (actor) await tx.insert('audit', { _id: randomUUID(), at: now, action: 'keys.rotate', actor, outcome: 'success', keyKind: kind, keyId });
      return doc;
    });
    if (winner._id !== doc._id) await this.vault.destroy(kind, keyId);
    this.meta = undefined;
    return winner;
  }

  /**
   * Installs the certificate the offline CSCA issued for a pending key. Refused unless it is for a
   * key waiting here (same public key), issued by the installed CSCA, of the kind's profile, and
   * valid for long enough within the CSCA's validity. Installing the same certificate again is
   * harmless. A DSC then activates after the pre-publication period — at once when no DSC signs,
   * and never later than the current DSC's expiry, so issuance never stops.
   */
  async installCertificate(input: Uint8Array | string, actor?: string): Promise<KeyView> {
    const now = this.clock.now();
    const c = readCertificate(input);
    const bad = (why: string): never => {
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { certificate: why },
        messageCode: 'server.certificateRefused',
        params: { reason: why },
      });
    };
    const docs = await this.docs(true);
    const keyId = keyIdOf(c.key.spki);
    const doc = docs.find((d) => d.kind !== 'csca' && d.keyId === keyId);
    if (!doc || doc.kind === 'csca')
      throw new ServiceError('NOT_FOUND', { fields: { certificate: 'no pending key with this public key' }, messageCode: 'server.pendingKeyNotFound' });
    const der = toBase64(c.der);
    if (isCertified(doc)) {
      if (doc.certificate === der) return this.view(doc, now, docs);
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.keyAlreadyCertified',
      });
    }
    const csca = await this.cscaDoc();
    const cscaCert = parseCertificate(fromBase64(csca.certificate));
    if (c.issuer !== cscaCert.subject || !issuedBy(c, cscaCert)) bad(`it was not issued by the installed CSCA "${cscaCert.subject}"`);
    if (c.ca) bad('it is a CA certificate');
    if (c.keyUsage !== undefined && !(c.keyUsage & KEY_USAGE.digitalSignature)) bad('its key usage does not allow digital signatures');
    const listSigner = c.extendedKeyUsage.includes(TRUST_LIST_SIGNER_EKU);
    if (doc.kind === 'trustlist-signer' && !listSigner)
      bad(`a trust-list signer needs the extended key usage ${TRUST_LIST_SIGNER_EKU} (ithc keys certify --profile trustlist-signer)`);
    if (doc.kind === 'trustlist-signer' && c.usage) bad('a trust-list signer must not carry the health-certificate key usages');
    if (isDocumentSigner(doc.kind) && listSigner) bad(`a document signer must not carry the trust-list signer usage (ithc keys certify --profile ${doc.kind})`);
    // One format per key, named in the certificate: a key without a usage would be trusted for both.
    if (doc.kind === 'dsc' && (c.extendedKeyUsage.includes(ITHC_SIGNER_EKU) || !c.usage || !DCC_DSC_USAGES.every((u) => c.usage!.includes(u)))) {
      bad(
        `a DCC signer must carry the DCC key usages ${DCC_DSC_USAGES.join(', ')} and not the ITHC usage ${ITHC_SIGNER_EKU} (ithc keys certify --profile dsc)`,
      );
    }
    if (doc.kind === 'ithc-dsc' && c.usage?.join() !== 'ithc')
      bad(`an ITHC signer must carry the extended key usage ${ITHC_SIGNER_EKU} and no DCC usage (ithc keys certify --profile ithc-dsc)`);
    const notBefore = c.notBefore * 1000;
    const notAfter = c.notAfter * 1000;
    if (notBefore > now + CLOCK_SKEW) bad(`it is valid only from ${iso(notBefore)}`);
    if (notBefore < csca.notBefore || notAfter > csca.notAfter) bad("its validity is not within the CSCA's");
    if (notAfter - notBefore > MAX_LIFETIME_DAYS * DAY) bad(`it is valid for more than ${MAX_LIFETIME_DAYS} days`);
    let activatesAt = now;
    if (isDocumentSigner(doc.kind)) {
      const current = this.activeAt(doc.kind, now, docs);
      if (current) activatesAt = Math.min(now + this.config.prePublicationDays * DAY, current.notAfter);
    }
    if (notAfter < activatesAt + MIN_SIGNING_DAYS * DAY)
      bad(`it must stay valid at least ${MIN_SIGNING_DAYS} days after it starts signing (${iso(activatesAt)})`);
    const patch = { certificate: der, kid: toBase64(kidFromCertificate(c.der)), subject: c.subject, notBefore, notAfter, certifiedAt: now, activatesAt };
    const outcome = await this.store.transaction(async (tx) => {
      const again = (await tx.get('keys', doc._id)) as KeyDoc | null;
      if (!again) return 'gone' as const;
      if (isCertified(again)) return again.certificate === der ? ('same' as const) : ('other' as const);
      await tx.update('keys', doc._id, patch);
      const marker = await tx.get('keys', pendingMarker(doc.kind as SigningKeyKind));
      if (marker?.keyId === doc.keyId) await tx.delete('keys', pendingMarker(doc.kind as SigningKeyKind));
      if (actor)
        await tx.insert('audit', {
          _id: randomUUID(),
          at: now,
          action: 'keys.installCertificate',
          actor,
          outcome: 'success',
          keyKind: doc.kind,
          keyId: doc.keyId,
          kid: patch.kid,
          activatesAt,
        });
      return 'installed' as const;
    });
    if (outcome === 'gone') throw new ServiceError('NOT_FOUND', { messageCode: 'server.pendingKeyGone' });
    if (outcome === 'other')
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.keyAlreadyCertified',
      });
    this.meta = undefined;
    const fresh = await this.docs(true);
    return this.view(
      fresh.find((d) => d._id === doc._id)!,
      now,
      fresh,
    );
  }

  // --- signing ----------------------------------------------------------------------------------

  private async certifiedActive(kind: SigningKeyKind, now: number): Promise<CertifiedKeyDoc | undefined> {
    // The cached metadata first; when it names no signer, the store (another instance may have installed one).
    return this.activeAt(kind, now, await this.docs()) ?? this.activeAt(kind, now, await this.docs(true));
  }

  private async privateKey(kind: SigningKeyKind, keyId: string): Promise<KeyObject> {
    const cached = this.opened.get(keyId);
    if (cached) return cached.key;
    const pkcs8 = await this.vault.unwrap(kind, keyId);
    if (!pkcs8) throw new Error(`the wrapped private key of ${kind} ${keyId} is missing from the store`);
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    pkcs8.fill(0);
    this.opened.set(keyId, { key });
    return key;
  }

  /** The key that signs new codes of a format now: `dsc` for HC1: codes, `ithc-dsc` for ITHC1: codes. */
  async activeKey(kind: DocumentSignerKind = 'dsc'): Promise<ActiveKey> {
    const doc = await this.certifiedActive(kind, this.clock.now());
    if (!doc) throw new ServiceError('UNAVAILABLE', { messageCode: 'server.signerMissing', params: { kind: kind === 'dsc' ? 'DCC' : 'ITHC' } });
    const privateKey = await this.privateKey(kind, doc.keyId);
    const entry = this.opened.get(doc.keyId)!;
    entry.active ??= {
      kid: fromBase64(doc.kid),
      signer: nodeEs256Signer(privateKey),
      privateKey,
      certificate: fromBase64(doc.certificate),
      notAfter: doc.notAfter,
    };
    return entry.active;
  }

  /** The trust-list signer's certificate and key, for signing the trust list (server/trust/signed-list.ts). */
  async trustListSigner(): Promise<{ certificate: Uint8Array; privateKey: KeyObject }> {
    const doc = await this.certifiedActive('trustlist-signer', this.clock.now());
    if (!doc) throw new ServiceError('UNAVAILABLE', { messageCode: 'server.trustListSignerMissing' });
    return { certificate: fromBase64(doc.certificate), privateKey: await this.privateKey('trustlist-signer', doc.keyId) };
  }

  // --- publication ------------------------------------------------------------------------------

  /** Every DSC of both formats certified and still valid at `at` (ms) — published, active or retired: what verifiers must trust. */
  async publishedSigningCertificates(at = this.clock.now()): Promise<CertifiedKeyDoc[]> {
    return (await this.docs(true)).filter((d): d is CertifiedKeyDoc => isDocumentSigner(d.kind) && isCertified(d) && d.notAfter > at);
  }

  /** The status of a published DSC at `at`: for the readable fields of the lists. */
  async statusOf(doc: KeyDoc, at = this.clock.now()): Promise<KeyStatus> {
    return this.statusAt(doc, at, await this.docs());
  }

  /**
   * Is the DSC with this kid (base64) published at `at`? Asked on every repeated issue request, so
   * answered from the metadata last read when the DSC is among it: a certificate and its validity
   * never change once installed. A kid not among it (installed by another instance since) reads
   * the store again.
   */
  async isPublished(kid: string, at = this.clock.now()): Promise<boolean> {
    const known = (await this.docs()).find((d) => isDocumentSigner(d.kind) && d.kid === kid);
    if (known) return isCertified(known) && known.notAfter > at;
    return (await this.docs(true)).some((d) => isDocumentSigner(d.kind) && d.kid === kid && isCertified(d) && d.notAfter > at);
  }

  /** The published DSCs as trusted keys (for verifying our own codes server-side). */
  async trustedKeys(): Promise<TrustedKey[]> {
    return (await this.publishedSigningCertificates()).map((d) => trustedKeyFromCertificate(fromBase64(d.certificate), { country: this.config.country }));
  }

  /** Is there a key of `kind` that signs now or will (certified, unexpired)? */
  async hasCertified(kind: SigningKeyKind, at = this.clock.now()): Promise<boolean> {
    return (await this.docs(true)).some((d) => d.kind === kind && isCertified(d) && d.notAfter > at);
  }
}

/** A certificate from an operator (PEM, DER or base64 DER), as a typed refusal when it is none. */
function readCertificate(input: Uint8Array | string): ParsedCertificate {
  try {
    if (typeof input === 'string' && input.length > 64 * 1024) throw new Error('too large');
    return parseCertificate(certificateDer(input));
  } catch (e) {
    const why = `not an X.509 certificate (${e instanceof Error ? e.message : String(e)})`.slice(0, 200);
    throw new ServiceError('VALIDATION_FAILED', {
      fields: { certificate: why },
      messageCode: 'server.certificateRefused',
      params: { reason: why },
    });
  }
}

/** The X.509 signature of `child` (over its tbsCertificate as received) verifies with `issuer`'s key. */
function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (child.signatureAlgorithm !== '1.2.840.10045.4.3.2') return false;
  try {
    return nodeVerify('sha256', child.tbs, { key: Buffer.from(issuer.key.spki), format: 'der', type: 'spki', dsaEncoding: 'der' }, child.signature);
  } catch {
    return false;
  }
}
