/**
 * Whose data an action is about: the caller themselves, or — with `for` — a relative the caller
 * acts for (代为查询). Every action that reads or changes a person's certificate goes through here,
 * so authorisation is decided in one place.
 */
import type { App } from '../app';
import { ServiceError } from '../errors';
import type { IssuanceSubject } from '../issuance/build';
import type { Input } from '../validate';
import type { CallContext } from './router';

export interface ActingFor {
  subject: IssuanceSubject;
  /** The relation id when acting as a proxy; undefined when acting for oneself. */
  relationId?: string;
}

export async function resolveSubject(app: App, ctx: CallContext, input: Input): Promise<ActingFor> {
  const forId = input.for;
  if (forId === undefined || forId === null || forId === '') return { subject: await app.subjectOf(ctx.openid) };
  if (typeof forId !== 'string' || forId.length > 64) throw new ServiceError('VALIDATION_FAILED', '请选择家人 / choose a relative', { fields: { for: '格式不正确 / malformed' } });
  if (!app.relatives) throw new ServiceError('FORBIDDEN', '暂不支持代为查询 / acting for relatives is not available');
  // actingFor authorises the caller and writes the proxy action to the relative's audit log.
  return app.relatives.actingFor(ctx.openid, forId, ctx.action ?? 'unknown');
}
