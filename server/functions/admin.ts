/** The `admin` function (operators only): provisioning, relations, identities, revocation, issuance holds, signing keys. */
import type { IdentityService } from '../identity/service';
import type { KeyVault } from '../keys/vault';
import type { RelativesService } from '../relatives/service';
import type { HoldService } from '../revocation/holds';
import type { RevocationService } from '../revocation/service';
import { userIdFor } from '../identity/person-id';
import { ServiceError } from '../errors';
import { SIGNING_KEY_KINDS, type KeyService, type SigningKeyKind } from '../keys/service';
import { provisionActions, type ProvisionDeps } from './provision';
import type { FunctionDef } from './router';

/** The services the admin actions use; the person services (identity, relatives, holds) need the person-id key. */
export interface AdminDeps extends ProvisionDeps {
  identity: IdentityService;
  relatives: RelativesService;
  revocation: RevocationService;
  holds: HoldService;
  keys: KeyService;
  vault: KeyVault;
}

export function adminFunction(app: AdminDeps): FunctionDef {
  return {
    name: 'admin',
    actions: {
      // Provisioning: initialise, registries, ingestion sources, operators (./provision.ts).
      ...provisionActions(app),
      /** Ends any relative relation (代为查询), e.g. on a complaint. */
      endProxy: { input: ['id'], operator: true, handler: (ctx, input) => app.relatives.endByOperator(ctx.openid, input) },
      /**
       * Releases a person's identity from the account verified as them (the person lost that account
       * and the operator checked who they are): they can then verify on another. Audited with the reason.
       */
      releaseIdentity: { input: ['idNumber', 'reason'], operator: true, handler: (ctx, input) => app.identity.releaseByOperator(ctx.openid, input) },
      /**
       * Revokes a certificate and all its codes (server/revocation): the holder sees it, verifiers
       * report REVOKED. With `blockRecords: true` its records are wrong: the versions it carried are
       * never issued again through any document, and other certificates carrying them are revoked.
       */
      revoke: {
        input: ['certificateId', 'reason', 'blockRecords'],
        operator: true,
        handler: async (ctx, input) => {
          const r = await app.revocation.revoke(input.certificateId, input.reason, userIdFor(ctx.openid), { blockRecords: input.blockRecords });
          return input.blockRecords === true ? { revoked: true, alsoRevoked: r.alsoRevoked } : { revoked: true };
        },
      },
      revocations: { input: [], operator: true, handler: () => app.revocation.list() },
      /** Stops all issuance for a person (identity fraud) until released: `{idNumber | certificateId, reason}`. */
      hold: { input: ['idNumber', 'certificateId', 'reason'], operator: true, handler: (ctx, input) => app.holds.hold(input, userIdFor(ctx.openid)) },
      releaseHold: { input: ['idNumber', 'certificateId', 'reason'], operator: true, handler: (ctx, input) => app.holds.release(input, userIdFor(ctx.openid)) },
      holds: { input: [], operator: true, handler: () => app.holds.list() },
      /**
       * Signing keys (docs/keys.md). rotateKey makes a new key pair and its certificate signing
       * request (`kind`: dsc, the default, or trustlist-signer); the operator certifies the request
       * offline (ithc keys certify) and installs the certificate; a new DSC is then published for
       * the pre-publication period before it signs, and earlier ones keep verifying until they expire.
       */
      rotateKey: { input: ['kind'], operator: true, handler: (ctx, input) => app.keys.rotate(signingKind(input.kind), userIdFor(ctx.openid)) },
      installCertificate: {
        input: ['certificate'],
        operator: true,
        handler: (ctx, input) => app.keys.installCertificate(certificateText(input.certificate), userIdFor(ctx.openid)),
      },
      /** The CSCA certificate (made offline with ithc keys create-csca), once. */
      installCsca: {
        input: ['certificate'],
        operator: true,
        handler: (ctx, input) => app.keys.installCsca(certificateText(input.certificate), userIdFor(ctx.openid)),
      },
      keys: { input: [], operator: true, handler: () => app.keys.list() },
      /**
       * Re-wraps every key under the current KEK (ITHC_SECRET_KEK), opening those still under the
       * previous one (ITHC_SECRET_KEK_PREVIOUS). Idempotent; the rotation is complete when `byKek`
       * names only the current KEK.
       */
      rewrapKeys: {
        input: [],
        operator: true,
        handler: async () => {
          const report = await app.vault.rewrap();
          return { ...report, ...(await app.vault.census()) };
        },
      },
    },
  };
}

function signingKind(v: unknown): SigningKeyKind {
  if (v === undefined) return 'dsc';
  if (typeof v === 'string' && (SIGNING_KEY_KINDS as readonly string[]).includes(v)) return v as SigningKeyKind;
  throw new ServiceError('VALIDATION_FAILED', {
    fields: { kind: 'dsc | ithc-dsc | trustlist-signer' },
    messageCode: 'server.keyKindUnknown',
    params: { kind: typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v },
  });
}

/** A certificate as PEM or base64 DER text: a few kilobytes at most. */
function certificateText(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 16 * 1024) {
    throw new ServiceError('VALIDATION_FAILED', {
      fields: { certificate: 'PEM text, at most 16 KB' },
      messageCode: 'server.certificatePemRequired',
    });
  }
  return v;
}
