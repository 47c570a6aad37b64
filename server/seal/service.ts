/**
 * certificate.seal: what the traveller shows for a destination (docs/functions.md). For a partner
 * that accepts sealed codes, the stored certificate's COSE_Sign1 is sealed to each of its current
 * encryption keys (core/seal.ts): one single-recipient code per key, since direct key agreement
 * allows one recipient per message (docs/sealed-codes.md).
 *
 * Sealed codes are made on every call and never stored: each uses a fresh ephemeral key, so two
 * crossings do not show the same code, and the stored signed certificate stays the one source.
 */
import { fromBase64, toBase64 } from '../../core/bytes';
import { decodeStages } from '../../core/hcert';
import { sealCode, type RandomSource } from '../../core/seal';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { CertificateDoc } from '../issuance/service';
import type { AcceptedFormat, PartnerDoc } from '../partners/types';
import { fields, type Input } from '../validate';

/** The lookup the partner registry provides (app.partners). */
export interface PartnerLookup {
  get(country: string): Promise<PartnerDoc | null>;
}

export interface SealedCode {
  /** The partner's country. */
  authority: string;
  /** The authority key's kid, base64. */
  kid: string;
  code: string;
}

export interface SealView {
  destination: string;
  accepts: AcceptedFormat[];
  /** null when the partner takes no sealed codes or has no usable encryption key. */
  sealed: SealedCode[] | null;
  /** The open comprehensive code, when the partner accepts it. */
  open: string | null;
  dcc: string[];
  /** The certificate the codes carry (its UVCI, as CertificateView.id) and when its signature expires, ms: a sealed code's validity cannot be read without the authority's key. */
  certificateId: string;
  expiresAt: number;
}

export interface SealDeps {
  partners: PartnerLookup;
  clock: Clock;
  rng: RandomSource;
}

const FORMATS: readonly AcceptedFormat[] = ['dcc', 'ithc', 'sealed'];

/** Reads the destination from an action's input (VALIDATION_FAILED naming the field when it is not a country code). */
export function readDestination(input: Input): string {
  const f = fields(input);
  const destination = f.str('destination', { max: 2, min: 2, pattern: /^[A-Za-z]{2}$/, hint: '应为两位国家代码 / must be a two-letter country code' });
  f.done();
  return destination.toUpperCase();
}

export class SealService {
  constructor(private readonly deps: SealDeps) {}

  /**
   * The codes to show `destination` for the certificate `certificate()` loads (the subject's latest,
   * or null). The destination is checked first, so an unknown one resolves no subject (and, for a
   * proxy, writes nothing to the relative's audit log).
   */
  async forDestination(destination: string, certificate: () => Promise<CertificateDoc | null>): Promise<SealView> {
    const partner = await this.deps.partners.get(destination);
    if (!partner)
      throw new ServiceError('NOT_FOUND', {
        messageCode: 'server.notPartner',
        params: { destination },
      });
    const doc = await certificate();
    if (!doc) throw new ServiceError('NOT_FOUND', { messageCode: 'server.noCertificate' });
    const nowMs = this.deps.clock.now();
    if (doc.status === 'revoked')
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.revokedCannotShow',
      });
    if (doc.exp * 1000 <= nowMs)
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.certificateExpired',
      });

    const accepts = FORMATS.filter((f) => partner.accepts.includes(f));
    return {
      destination,
      accepts,
      sealed: accepts.includes('sealed') ? this.seal(doc, partner, nowMs) : null,
      open: accepts.includes('ithc') ? doc.codes.ithc : null,
      dcc: accepts.includes('dcc') ? doc.codes.dcc.map((d) => d.code) : [],
      certificateId: doc.uci,
      expiresAt: doc.exp * 1000,
    };
  }

  private seal(doc: CertificateDoc, partner: PartnerDoc, nowMs: number): SealedCode[] | null {
    const stages = decodeStages(doc.codes.ithc);
    // Our own stored code failed to decode: a bug or a damaged store, never the caller's doing.
    if (stages.error || !stages.cose) throw new ServiceError('INTERNAL', { messageCode: 'server.certificateUnreadable' });
    const out: SealedCode[] = [];
    for (const k of partner.encryptionKeys) {
      if (k.notAfter !== undefined && Date.parse(k.notAfter) <= nowMs) continue;
      let code: string;
      try {
        code = sealCode(
          stages.cose,
          [{ kid: fromBase64(k.kid), publicKey: fromBase64(k.spki), pointCompression: k.pointCompression !== false }],
          this.deps.rng,
        );
      } catch (e) {
        // A malformed key in the registry is the operator's to fix (partner import validates keys);
        // the traveller still gets the codes made with the partner's other keys.
        if (e instanceof TypeError) continue;
        throw e;
      }
      out.push({ authority: partner.country, kid: toBase64(fromBase64(k.kid)), code });
    }
    return out.length ? out : null;
  }
}
