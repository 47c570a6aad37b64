/**
 * Local identity adapter: the citizen registry (./citizens.ts, the `citizens` collection, seeded
 * locally by demo/citizens.ts) as ingestion reads it, and the face check is a STAND-IN that
 * performs no biometric check at all. It only proves that the caller went through the local begin → confirm flow for
 * this very person within the token's lifetime, which keeps the service's flow and attempt limits
 * the same as in production. Never deploy it where real identities matter.
 */
import { createHmac, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import type { Store } from '../store/store';
import type { ConfirmRequest, FaceCheckRequest, FaceCheckSession, IdentityOutcome, IdentityProvider } from './provider';
import { StoreCitizenRegistry, matchCitizen, type CitizenRegistry } from './citizens';

const TOKEN = /^LF1\.([0-9]{1,15})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;

/**
 * Issues and accepts face-check tokens bound to (caller, name, ID number, expiry) by an HMAC under
 * a key of its own. The key is random per process unless given: a restart invalidates open
 * sessions, which only means doing the (stand-in) face check again.
 */
export class LocalFaceCheckStandIn {
  readonly #key: Uint8Array;
  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds = 3600,
    key?: Uint8Array,
    private readonly randomBytes: (n: number) => Uint8Array = (n) => new Uint8Array(nodeRandomBytes(n)),
  ) {
    this.#key = key ? Uint8Array.from(key) : this.randomBytes(32);
    if (this.#key.length < 32) throw new TypeError('the face-check key must be at least 32 bytes');
  }

  issue(openId: string, name: string, idNumber: string): { token: string; expiresAt: number } {
    const expiresAt = this.clock.now() + this.ttlSeconds * 1000;
    const nonce = Buffer.from(this.randomBytes(16)).toString('base64url');
    return { token: `LF1.${expiresAt}.${nonce}.${this.mac(openId, name, idNumber, expiresAt, nonce)}`, expiresAt };
  }

  accept(token: string, openId: string, name: string, idNumber: string): 'ok' | 'invalid' | 'expired' {
    const m = TOKEN.exec(token);
    if (!m) return 'invalid';
    const expiresAt = Number(m[1]);
    // Compared as text, not as decoded bytes: base64url's last character has spare bits, and a
    // token is accepted only in the exact form it was issued.
    const expected = Buffer.from(this.mac(openId, name, idNumber, expiresAt, m[2]), 'ascii');
    const given = Buffer.from(m[3], 'ascii');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return this.clock.now() < expiresAt ? 'ok' : 'expired';
  }

  private mac(openId: string, name: string, idNumber: string, expiresAt: number, nonce: string): string {
    return createHmac('sha256', this.#key).update(`ithc/local-face/v1\0${openId}\0${name}\0${idNumber}\0${expiresAt}\0${nonce}`, 'utf8').digest('base64url');
  }
}

export interface LocalIdentityOptions {
  store: Store;
  clock: Clock;
  faceCheck?: LocalFaceCheckStandIn;
  /** Default: the `citizens` collection of `store` (./citizens.ts), as ingestion reads it. */
  registry?: CitizenRegistry;
  /**
   * The stand-in's HMAC key, read when the first face check begins: several processes serving one
   * store (node/start.ts) must accept each other's tokens, so the app keeps it in the vault. Without
   * it (and without `faceCheck`), a key random to this process.
   */
  faceCheckKey?: () => Promise<Uint8Array>;
}

export class LocalIdentityProvider implements IdentityProvider {
  readonly kind = 'local' as const;
  private faceCheck?: Promise<LocalFaceCheckStandIn>;
  private readonly registry: CitizenRegistry;
  constructor(private readonly opts: LocalIdentityOptions) {
    this.registry = opts.registry ?? new StoreCitizenRegistry(opts.store);
  }

  private standIn(): Promise<LocalFaceCheckStandIn> {
    if (this.faceCheck) return this.faceCheck;
    const { faceCheck, faceCheckKey, clock } = this.opts;
    const made = faceCheck
      ? Promise.resolve(faceCheck)
      : faceCheckKey
        ? faceCheckKey().then((key) => new LocalFaceCheckStandIn(clock, undefined, key))
        : Promise.resolve(new LocalFaceCheckStandIn(clock));
    // A key that could not be read is read again next time, not remembered as a failure.
    made.catch(() => {
      if (this.faceCheck === made) this.faceCheck = undefined;
    });
    this.faceCheck = made;
    return made;
  }

  async beginFaceCheck(req: FaceCheckRequest): Promise<FaceCheckSession> {
    // Issued whether or not the person is registered: answering differently here would let anyone
    // probe the registry without spending an attempt.
    const { token, expiresAt } = (await this.standIn()).issue(req.openId, req.person.name, req.person.idNumber);
    return { verifyId: token, faceToken: token, expiresAt };
  }

  async confirm(req: ConfirmRequest): Promise<IdentityOutcome> {
    const face = (await this.standIn()).accept(req.faceToken, req.openId, req.person.name, req.person.idNumber);
    if (face === 'invalid') return { verified: false, reason: 'FACE_TOKEN_INVALID' };
    if (face === 'expired') return { verified: false, reason: 'FACE_TOKEN_EXPIRED' };
    const match = await matchCitizen(this.registry, req.person.idNumber, req.person.name);
    return match.ok ? { verified: true } : { verified: false, reason: match.reason };
  }
}
