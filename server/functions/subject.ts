/**
 * Whose data an action is about: the caller themselves, or — with `for` — a relative the caller
 * acts for (代为查询). Every action that reads or changes a person's certificate goes through here,
 * so authorisation is decided in one place.
 */
import { readCurrentDocument } from '../documents/current';
import type { DocumentRegistry } from '../documents/registry';
import { ServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import { readIdentity } from '../identity/verified';
import { issuanceSubject, type IssuanceSubject } from '../issuance/build';
import type { RelativesService } from '../relatives/service';
import type { Store } from '../store/store';
import type { Input } from '../validate';
import type { CallContext } from './router';

export interface ActingFor {
  subject: IssuanceSubject;
  /** The relation id when acting as a proxy; undefined when acting for oneself. */
  relationId?: string;
}

/** The verified person and bound document of a caller (subjectResolver). */
export type SubjectOf = (openid: string) => Promise<IssuanceSubject>;

/** What resolveSubject reads: the caller's own subject, and the relations they act through. */
export interface SubjectSources {
  subjectOf: SubjectOf;
  relatives?: Pick<RelativesService, 'actingFor'>;
}

export async function resolveSubject(app: SubjectSources, ctx: CallContext, input: Input): Promise<ActingFor> {
  const forId = input.for;
  if (forId === undefined || forId === null || forId === '') return { subject: await app.subjectOf(ctx.openid) };
  if (typeof forId !== 'string' || forId.length > 64)
    throw new ServiceError('VALIDATION_FAILED', {
      fields: { for: '格式不正确 / malformed' },
      messageCode: 'server.chooseRelative',
    });
  if (!app.relatives) throw new ServiceError('FORBIDDEN', { messageCode: 'server.proxyUnavailable' });
  // actingFor authorises the caller and writes the proxy action to the relative's audit log.
  return app.relatives.actingFor(ctx.openid, forId, ctx.action ?? 'unknown');
}

/** The verified person and bound document of a caller, as issuance needs them (App.subjectOf). */
export function subjectResolver(store: Store, registry: DocumentRegistry): SubjectOf {
  return async (openid) => {
    const userId = userIdFor(openid);
    const user = await store.get('users', userId);
    const who = user ? readIdentity(user) : null;
    if (!who) throw new ServiceError('IDENTITY_REQUIRED', { messageCode: 'server.identityRequired' });
    const doc = await readCurrentDocument(store, userId, user);
    if (!doc)
      throw new ServiceError('IDENTITY_REQUIRED', {
        messageCode: 'server.documentRequired',
      });
    const entry = await registry.lookup(doc.number);
    if (!entry)
      throw new ServiceError('DOCUMENT_MISMATCH', {
        messageCode: 'server.documentStale',
      });
    return issuanceSubject(who, doc, entry);
  };
}
