/**
 * Operator holds on issuance (server/issuance/holds.ts): on suspected identity fraud an operator
 * stops every issuance for a person until the hold is lifted. Certificates already issued are not
 * touched by a hold: the operator revokes them (admin.revoke) where they are part of the fraud.
 *
 * Placing and lifting are audited (`issuance.hold`, `issuance.release`), in the same transaction
 * as the hold.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { PersonIds } from '../identity/person-id';
import { checkResidentId, chinaDate, maskResidentId } from '../../core/resident-id';
import { activeHold, type HoldDoc } from '../issuance/holds';
import { certificateDocId, type CertificateDoc } from '../issuance/service';
import type { Store } from '../store/store';
import type { Input } from '../validate';
import { UVCI, readReason } from './service';

/** What an operator sees of a hold. */
export interface HoldView {
  personId: string;
  active: boolean;
  reason: string;
  placedAt: string;
  placedBy: string;
  idNumberMasked?: string;
  certificateId?: string;
}

export class HoldService {
  constructor(private readonly deps: { store: Store; clock: Clock; personIds: PersonIds }) {}

  /** Puts the person named by `idNumber` or by one of their certificates (`certificateId`) on hold. */
  async hold(input: Input, actor: string): Promise<{ held: true; personId: string }> {
    const { target, reason } = await this.readTarget(input);
    const { store, clock } = this.deps;
    const now = clock.now();
    await store.transaction(async (tx) => {
      if (await activeHold(tx, target.personId))
        throw new ServiceError('CONFLICT', {
          messageCode: 'server.holdExists',
        });
      const doc: HoldDoc = { _id: target.personId, personId: target.personId, active: true, reason, placedAt: now, placedBy: actor, ...target.named };
      await tx.put('holds', doc);
      await tx.insert('audit', {
        _id: randomUUID(),
        at: now,
        action: 'issuance.hold',
        actor,
        outcome: 'success',
        personId: target.personId,
        reason,
        ...target.named,
      });
    });
    return { held: true, personId: target.personId };
  }

  /** Lifts the hold on the person named as for `hold`. */
  async release(input: Input, actor: string): Promise<{ released: true; personId: string }> {
    const { target, reason } = await this.readTarget(input);
    const { store, clock } = this.deps;
    const now = clock.now();
    await store.transaction(async (tx) => {
      const held = await activeHold(tx, target.personId);
      if (!held) throw new ServiceError('NOT_FOUND', { messageCode: 'server.holdNotFound' });
      await tx.update('holds', target.personId, { active: false, releasedAt: now, releasedBy: actor, releaseReason: reason });
      await tx.insert('audit', {
        _id: randomUUID(),
        at: now,
        action: 'issuance.release',
        actor,
        outcome: 'success',
        personId: target.personId,
        reason,
        ...target.named,
      });
    });
    return { released: true, personId: target.personId };
  }

  /** Active holds, newest first (at most 1000). */
  async list(): Promise<HoldView[]> {
    const docs = (await this.deps.store.find('holds', { active: true }, { orderBy: { field: 'placedAt', direction: 'desc' }, limit: 1000 })) as HoldDoc[];
    return docs.map((d) => ({
      personId: d.personId,
      active: d.active,
      reason: d.reason,
      placedAt: new Date(d.placedAt).toISOString(),
      placedBy: d.placedBy,
      ...(d.idNumberMasked ? { idNumberMasked: d.idNumberMasked } : {}),
      ...(d.certificateId ? { certificateId: d.certificateId } : {}),
    }));
  }

  /** `{idNumber | certificateId, reason}`: exactly one way of naming the person. */
  private async readTarget(
    input: Input,
  ): Promise<{ target: { personId: string; named: { idNumberMasked?: string; certificateId?: string } }; reason: string }> {
    const fields: Record<string, string> = {};
    const reason = readReason(input.reason, fields);
    const { idNumber, certificateId } = input;
    let target: { personId: string; named: { idNumberMasked?: string; certificateId?: string } } | undefined;
    if ((idNumber === undefined) === (certificateId === undefined)) {
      fields.idNumber = '请提供身份证号码或证明编号之一 / give either idNumber or certificateId';
    } else if (idNumber !== undefined) {
      const checked = typeof idNumber === 'string' && idNumber.length <= 40 ? checkResidentId(idNumber, chinaDate(this.deps.clock.now())) : null;
      if (!checked || !checked.ok) fields.idNumber = '身份证号码无效 / not a valid resident ID number';
      else target = { personId: this.deps.personIds.personId(checked.value.idNumber), named: { idNumberMasked: maskResidentId(checked.value.idNumber) } };
    } else if (typeof certificateId !== 'string' || certificateId.length > 80 || !UVCI.test(certificateId)) {
      fields.certificateId = '应为证明编号（URN:UVCI:…）/ must be a certificate id (URN:UVCI:…)';
    }
    if (Object.keys(fields).length)
      throw new ServiceError('VALIDATION_FAILED', {
        fields,
        messageCode: 'server.checkMarkedFields',
      });
    if (!target) {
      const uci = certificateId as string;
      const doc = (await this.deps.store.get('certificates', certificateDocId(uci))) as CertificateDoc | null;
      if (!doc || doc.uci !== uci) throw new ServiceError('NOT_FOUND', { messageCode: 'server.certificateNotFound', params: { id: uci } });
      target = { personId: doc.personId, named: { certificateId: uci } };
    }
    return { target, reason };
  }
}
