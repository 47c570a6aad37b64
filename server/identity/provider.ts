/**
 * Real-name authentication (实名认证) behind one interface: name + resident ID number + a face check.
 *
 * The flow has two steps, because WeChat's does (wx.requestFacialVerify, with getVerifyId and
 * queryVerifyInfo on the server):
 *   1. beginFaceCheck: the provider opens a face-check session for this caller and the claimed
 *      person and hands back a `verifyId` for the mini program (wx.requestFacialVerify) and its
 *      own `faceToken` for step 2;
 *   2. confirm: after the face check, the server asks whether that session passed for exactly
 *      this caller and this person.
 *
 * A provider only answers "did this face check pass for this person". What a session may be used
 * for, by whom, and that it is used once, is the service's (service.ts, face-checks.ts): it keeps
 * the provider's faceToken in the store and gives the caller a session id instead, for every
 * provider alike.
 *
 * Adapters: wechat-facial.ts (production; not callable here) and local.ts (the local citizen
 * registry with a face-check stand-in). The service validates the ID number before any adapter
 * sees it.
 */

export interface ClaimedPerson {
  /** Name as on the resident ID card (Chinese characters, NFC, trimmed). */
  name: string;
  /** Canonical, already validated resident ID number. */
  idNumber: string;
}

export interface FaceCheckRequest {
  openId: string;
  person: ClaimedPerson;
}

export interface FaceCheckSession {
  /** For wx.requestFacialVerify({verifyId}). */
  verifyId: string;
  /** Opaque; the service keeps it server-side (face-checks.ts) and passes it back to `confirm`. */
  faceToken: string;
  /** ms since the epoch */
  expiresAt: number;
}

export interface ConfirmRequest extends FaceCheckRequest {
  faceToken: string;
}

/**
 * Why a confirmation failed. PERSON_NOT_FOUND and NAME_MISMATCH are kept apart for the audit log;
 * callers get one answer for both, so the service cannot be used to probe the registry.
 */
export type IdentityFailure = 'PERSON_NOT_FOUND' | 'NAME_MISMATCH' | 'FACE_CHECK_FAILED' | 'FACE_CHECK_CANCELLED' | 'FACE_TOKEN_INVALID' | 'FACE_TOKEN_EXPIRED';

export type IdentityOutcome = { verified: true } | { verified: false; reason: IdentityFailure };

export interface IdentityProvider {
  /** Recorded with each verified identity and in the audit log. */
  readonly kind: 'wechat-facial' | 'local';
  beginFaceCheck(req: FaceCheckRequest): Promise<FaceCheckSession>;
  /**
   * A definite answer for the person, or a thrown ServiceError('UNAVAILABLE') when the upstream
   * service could not answer (that does not count as a failed attempt).
   */
  confirm(req: ConfirmRequest): Promise<IdentityOutcome>;
}
