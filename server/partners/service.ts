/**
 * The registry of partner authorities, keyed by country: their
 * encryption keys for sealed codes, the formats they accept, their entry rules and the signing
 * certificates we trust for their travellers' certificates. Managed by operators (admin actions,
 * `ithc partners import|export|list`); the list of destinations is public.
 *
 * Every change is validated whole (validate.ts) before anything is written, and written with its
 * audit entry in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { selectRules, type ValidationRule } from '../../core/rules';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { Doc, Store } from '../store/store';
import { readPartner, type PartnerInput } from './validate';
import type { AcceptedFormat, PartnerDoc } from './types';

/** What anyone may see of a partner: enough to pick a destination. */
export interface PartnerSummary {
  country: string;
  name: { zh: string; en: string };
  accepts: AcceptedFormat[];
  /** Entry rules in force now. */
  hasRules: boolean;
  /** Sealed codes can be made for it now: it accepts them and has an unexpired encryption key. */
  sealed: boolean;
  /**
   * The kids (base64) of its encryption keys, expired ones too: a verifier that cannot open a
   * sealed code names the authority it is sealed for by the recipient kid the code carries (public
   * in every sealed code).
   */
  kids: string[];
}

/** The file `ithc partners export` writes and `import` reads. */
export interface PartnerExport {
  format: 'ithc-partners';
  version: 1;
  exportedAt: string;
  partners: PartnerInput[];
}

export const EXPORT_FORMAT = 'ithc-partners';
/** Partners in one import: there are fewer than 250 countries. */
const MAX_IMPORT = 300;
const COUNTRY = /^[A-Z]{2}$/;

export interface PartnerDeps {
  store: Store;
  clock: Clock;
  /** Our own country, never a partner. */
  ownCountry: string;
}

export class PartnerService {
  constructor(private readonly deps: PartnerDeps) {}

  async get(country: string): Promise<PartnerDoc | null> {
    if (typeof country !== 'string' || !COUNTRY.test(country)) return null;
    return (await this.deps.store.get('partners', country)) as unknown as PartnerDoc | null;
  }

  /** Every partner, by country. */
  async list(): Promise<PartnerDoc[]> {
    const out: PartnerDoc[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await this.deps.store.find('partners', {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000, skip });
      out.push(...(page as unknown as PartnerDoc[]));
      if (page.length < 1000) return out;
    }
  }

  /** The public list of destinations. */
  async summaries(): Promise<PartnerSummary[]> {
    const now = this.deps.clock.now();
    return (await this.list()).map((p) => summary(p, now));
  }

  /** Creates or replaces a partner. `actor` is the operator's user id, for the audit log. */
  async upsert(input: unknown, actor: string): Promise<PartnerDoc> {
    const partner = readPartner(input, { ownCountry: this.deps.ownCountry });
    const doc = this.toDoc(partner);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.get('partners', doc._id);
      await tx.put('partners', doc as unknown as Doc);
      await tx.insert('audit', {
        _id: randomUUID(),
        at: now,
        action: before ? 'partner.update' : 'partner.create',
        actor,
        outcome: 'success',
        country: doc.country,
      });
    });
    return doc;
  }

  async remove(country: unknown, actor: string): Promise<{ removed: true }> {
    if (typeof country !== 'string' || !COUNTRY.test(country))
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { country: '应为两位大写国家代码 / must be an ISO 3166-1 alpha-2 code' },
        messageCode: 'server.partnerCountryRequired',
      });
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.get('partners', country)))
        throw new ServiceError('NOT_FOUND', {
          messageCode: 'server.partnerNotFound',
          params: { country },
        });
      await tx.delete('partners', country);
      await tx.insert('audit', { _id: randomUUID(), at: now, action: 'partner.remove', actor, outcome: 'success', country });
    });
    return { removed: true };
  }

  /** Every partner as an importable file. */
  async exportAll(): Promise<PartnerExport> {
    const partners = (await this.list()).map(({ _id: _i, updatedAt: _u, ...p }) => p);
    return { format: EXPORT_FORMAT, version: 1, exportedAt: new Date(this.deps.clock.now()).toISOString(), partners };
  }

  /**
   * Creates or replaces every partner of an export (or of a bare array of partners, or one
   * partner). All are validated first; nothing is written unless all are valid. Partners not in
   * the file are left as they are.
   */
  async importAll(data: unknown, actor: string): Promise<{ imported: number; countries: string[] }> {
    const list = partnersOf(data);
    if (list.length > MAX_IMPORT)
      throw new ServiceError('VALIDATION_FAILED', {
        messageCode: 'server.partnerImportLimit',
        params: { n: MAX_IMPORT },
      });
    const fields: Record<string, string> = {};
    const docs: PartnerDoc[] = [];
    list.forEach((p, i) => {
      try {
        docs.push(this.toDoc(readPartner(p, { ownCountry: this.deps.ownCountry })));
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        for (const [k, v] of Object.entries(e.fields ?? { partner: e.message })) fields[`partners[${i}].${k}`] = v;
      }
    });
    const seen = new Set<string>();
    docs.forEach((d) => {
      if (seen.has(d.country)) fields[`partners.${d.country}`] = `${d.country} 出现两次 / ${d.country} appears twice`;
      seen.add(d.country);
    });
    const names = Object.keys(fields);
    if (names.length)
      throw new ServiceError('VALIDATION_FAILED', {
        fields,
        messageCode: 'server.checkMarkedFields',
      });
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      for (const d of docs) await tx.put('partners', d as unknown as Doc);
      await tx.insert('audit', { _id: randomUUID(), at: now, action: 'partner.import', actor, outcome: 'success', countries: docs.map((d) => d.country) });
    });
    return { imported: docs.length, countries: docs.map((d) => d.country) };
  }

  private toDoc(p: PartnerInput): PartnerDoc {
    return { _id: p.country, ...p, updatedAt: this.deps.clock.now() };
  }
}

export function summary(p: PartnerDoc, nowMs: number): PartnerSummary {
  const rules = selectRules(p.rules as unknown as ValidationRule[], { country: p.country, at: nowMs / 1000 });
  const usableKey = p.encryptionKeys.some((k) => !k.notAfter || Date.parse(k.notAfter) > nowMs);
  return {
    country: p.country,
    name: { zh: p.name.zh, en: p.name.en },
    accepts: [...p.accepts],
    hasRules: rules.length > 0,
    sealed: p.accepts.includes('sealed') && usableKey,
    kids: p.encryptionKeys.map((k) => k.kid),
  };
}

function partnersOf(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    if (d.format === EXPORT_FORMAT) {
      if (d.version !== 1)
        throw new ServiceError('VALIDATION_FAILED', {
          messageCode: 'server.partnerExportVersion',
          params: { version: String(JSON.stringify(d.version)).slice(0, 40) },
        });
      if (!Array.isArray(d.partners))
        throw new ServiceError('VALIDATION_FAILED', {
          messageCode: 'server.partnerExportNoList',
        });
      return d.partners;
    }
    if ('country' in d) return [d];
  }
  throw new ServiceError('VALIDATION_FAILED', {
    messageCode: 'server.partnerImportShape',
  });
}
