/**
 * Operator holds on issuance (collection `holds`, `_id` = the person id): on suspected identity
 * fraud an operator stops every issuance for a person — through any account, any travel document,
 * any relative acting for them — until the hold is lifted (server/revocation/holds.ts places and
 * lifts them). Issuance reads the hold before signing and again in the transaction that stores the
 * certificate (./service.ts).
 */
import { ServiceError } from '../errors';
import type { Doc, TxOps } from '../store/store';

export interface HoldDoc extends Doc {
  personId: string;
  active: boolean;
  reason: string;
  placedAt: number;
  placedBy: string;
  /** How the operator named the person: masked ID number, or the certificate they started from. */
  idNumberMasked?: string;
  certificateId?: string;
  releasedAt?: number;
  releasedBy?: string;
  releaseReason?: string;
}

/** The active hold on a person, read inside or outside a transaction; null when there is none. */
export async function activeHold(tx: Pick<TxOps, 'get'>, personId: string): Promise<HoldDoc | null> {
  const d = (await tx.get('holds', personId)) as HoldDoc | null;
  return d && d.active === true ? d : null;
}

export function heldError(): ServiceError {
  return new ServiceError('ISSUANCE_HELD', { messageCode: 'server.issuanceHeld' });
}
