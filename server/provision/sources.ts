/**
 * Ingestion sources (labs and vaccination sites, docs/ingestion.md): added by an operator, each
 * with its own HMAC key made here, stored only wrapped (server/keys/vault.ts, purpose
 * `ingest-hmac`) and handed out once, sealed to the operator's tool (./sealed-secret.ts). A key is
 * never readable again: a source that lost it gets a new one (rotateKey), and the old one stops
 * working at that moment.
 */
import { randomUUID } from 'node:crypto';
import { lookup } from '../../core/valuesets';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { createSourceKey, encodeSourceKey } from '../ingest/signature';
import type { KeyVault } from '../keys/vault';
import { SOURCE_ID_PATTERN, isSourceDoc, type SourceDoc } from '../records/record-id';
import { kindsSentBy } from '../records/kinds';
import type { RecordKind } from '../records/types';
import { isCleanText } from '../records/validate';
import type { Store } from '../store/store';
import { readRecipient, sealSecret, type SealedSecret } from './sealed-secret';

export const SOURCE_TYPES = ['lab', 'vaccination-site'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** What each type of source may send (a lab no vaccinations, a site no tests): the record kinds' `sentBy` (server/records/kinds.ts). */
export const SOURCE_ACCEPTS: Readonly<Record<SourceType, readonly RecordKind[]>> = Object.freeze(
  Object.fromEntries(SOURCE_TYPES.map((t) => [t, Object.freeze(kindsSentBy(t))])) as Record<SourceType, readonly RecordKind[]>,
);

const NAME_MAX = 100;

export interface SourceView {
  id: string;
  name: string;
  type: SourceType;
  country: string;
  accepts: RecordKind[];
  active: boolean;
  /** Whether the source has a key now (a source added while the cloud failed may not). */
  hasKey: boolean;
}

export interface SourceKeyAnswer {
  source: SourceView;
  /** The key, sealed to the request's `recipient`: shown this once. Null when nothing new was made. */
  key: SealedSecret | null;
  /** What happened, for the operator. */
  outcome: 'added' | 'unchanged' | 'key-made' | 'key-replaced';
}

function bad(field: string, en: string, zh: string): ServiceError {
  return new ServiceError('VALIDATION_FAILED', { fields: { [field]: `${zh} / ${en}` }, messageCode: 'server.checkMarkedFields' });
}

function sourceId(v: unknown): string {
  if (typeof v !== 'string' || !SOURCE_ID_PATTERN.test(v))
    throw bad('id', 'id must be 3–48 characters of a–z 0–9 -, starting with a letter or digit', '机构编号应为 3–48 位小写字母、数字或连字符');
  return v;
}

export class SourceAdmin {
  constructor(private readonly deps: { store: Store; clock: Clock; vault: Pick<KeyVault, 'create' | 'destroy' | 'unwrap'> }) {}

  private async view(d: SourceDoc): Promise<SourceView> {
    const key = await this.deps.vault.unwrap('ingest-hmac', d._id);
    const hasKey = key !== null;
    key?.fill(0);
    return { id: d._id, name: d.name, type: d.type, country: d.country, accepts: [...d.accepts], active: d.active, hasKey };
  }

  async list(): Promise<SourceView[]> {
    const docs = await this.deps.store.find('sources', {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000 });
    return Promise.all(docs.filter((d): d is SourceDoc & typeof d => isSourceDoc(d)).map((d) => this.view(d)));
  }

  /**
   * Adds a source and makes its key. Idempotent: the same source again changes nothing and shows
   * no key (it was shown when it was made); other details for an existing id are refused. A source
   * left without a key (the cloud failed between the two steps) gets one now.
   */
  async add(actor: string, input: { id?: unknown; name?: unknown; type?: unknown; country?: unknown; recipient?: unknown }): Promise<SourceKeyAnswer> {
    const id = sourceId(input.id);
    if (typeof input.name !== 'string' || input.name.trim().length === 0 || [...input.name].length > NAME_MAX || !isCleanText(input.name))
      throw bad('name', `name must be 1–${NAME_MAX} characters: the institution's name as printed on certificates`, '请填写机构名称');
    const name = input.name.trim();
    if (typeof input.type !== 'string' || !(SOURCE_TYPES as readonly string[]).includes(input.type))
      throw bad('type', 'type must be lab or vaccination-site', '机构类型应为 lab 或 vaccination-site');
    const type = input.type as SourceType;
    if (typeof input.country !== 'string' || !/^[A-Z]{2}$/.test(input.country) || !lookup('country', input.country))
      throw bad('country', 'country must be an ISO 3166-1 alpha-2 code, e.g. CN', '国家代码应为 ISO 3166-1 两位字母代码，如 CN');
    const recipient = readRecipient(input.recipient);
    const doc: SourceDoc = { _id: id, name, type, country: input.country, accepts: [...SOURCE_ACCEPTS[type]], active: true };
    const now = this.deps.clock.now();
    const existing = await this.deps.store.transaction(async (tx) => {
      const d = await tx.get('sources', id);
      if (d) return d;
      await tx.insert('sources', { ...doc, accepts: [...doc.accepts], addedAt: now, addedBy: actor });
      await tx.insert('audit', { _id: randomUUID(), at: now, action: 'source.add', actor, outcome: 'success', sourceId: id });
      return null;
    });
    if (existing) {
      if (!isSourceDoc(existing))
        throw new ServiceError('CONFLICT', {
          messageCode: 'server.sourceMalformed',
          params: { id },
        });
      const differs = (['name', 'type', 'country'] as const).filter((k) => existing[k] !== doc[k]);
      if (differs.length)
        throw new ServiceError('CONFLICT', {
          fields: Object.fromEntries(differs.map((k) => [k, `differs from the stored ${k}`])),
          messageCode: 'server.sourceDiffers',
          params: { id, fields: differs.join(', ') },
        });
    }
    // The key: made only when the source has none, so a second run shows nothing new.
    const key = await createSourceKey(this.deps.vault, id);
    const source = await this.view(existing && isSourceDoc(existing) ? existing : doc);
    if (!key) return { source, key: null, outcome: 'unchanged' };
    try {
      return {
        source: { ...source, hasKey: true },
        key: sealSecret(new TextEncoder().encode(encodeSourceKey(key)), recipient, `ingest-hmac:${id}`),
        outcome: existing ? 'key-made' : 'added',
      };
    } finally {
      key.fill(0);
    }
  }

  /**
   * A new key for a source, shown once; the old one stops working now. For a source that lost its
   * key or whose key may be known to others.
   */
  async rotateKey(actor: string, input: { id?: unknown; recipient?: unknown }): Promise<SourceKeyAnswer> {
    const id = sourceId(input.id);
    const recipient = readRecipient(input.recipient);
    const d = await this.deps.store.get('sources', id);
    if (!d || !isSourceDoc(d)) throw new ServiceError('NOT_FOUND', { messageCode: 'server.sourceNotFound', params: { id } });
    await this.deps.vault.destroy('ingest-hmac', id);
    const key = await createSourceKey(this.deps.vault, id);
    // Another operator rotated at the same moment: theirs stands; run again for a key of one's own.
    if (!key)
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.concurrentRotation',
      });
    const now = this.deps.clock.now();
    await this.deps.store.insert('audit', { _id: randomUUID(), at: now, action: 'source.rotateKey', actor, outcome: 'success', sourceId: id });
    try {
      return {
        source: await this.view(d),
        key: sealSecret(new TextEncoder().encode(encodeSourceKey(key)), recipient, `ingest-hmac:${id}`),
        outcome: 'key-replaced',
      };
    } finally {
      key.fill(0);
    }
  }

  /** Stops (active: false) or resumes a source's ingestion; its key is kept. */
  async setActive(actor: string, input: { id?: unknown; active?: unknown }): Promise<SourceView> {
    const id = sourceId(input.id);
    if (typeof input.active !== 'boolean') throw bad('active', 'active must be true or false', 'active 应为 true 或 false');
    const active = input.active;
    const now = this.deps.clock.now();
    const d = await this.deps.store.transaction(async (tx) => {
      const cur = await tx.get('sources', id);
      if (!cur || !isSourceDoc(cur)) throw new ServiceError('NOT_FOUND', { messageCode: 'server.sourceNotFound', params: { id } });
      if (cur.active === active) return cur;
      await tx.update('sources', id, { active });
      await tx.insert('audit', { _id: randomUUID(), at: now, action: active ? 'source.resume' : 'source.stop', actor, outcome: 'success', sourceId: id });
      return { ...cur, active };
    });
    return this.view(d);
  }
}
