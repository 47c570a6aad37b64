/**
 * A signed-ingestion test bench: demo sources, fresh keys, a manual clock, and the person resolver
 * production wires (registryPersons over the `citizens` collection), with PEOPLE registered in it.
 */
import { ManualClock } from '../../server/clock';
import { StoreCitizenRegistry, type CitizenRegistry } from '../../server/identity/citizens';
import { PersonIds } from '../../server/identity/person-id';
import { DEMO_SOURCE_IDS, seedRecords } from '../../demo/records';
import { IngestService, registryPersons, type IngestOptions, type IngestRequest } from '../../server/ingest/service';
import { MapKeyring, generateSourceKey, signRequest } from '../../server/ingest/signature';
import { openTestStore, type TestStore } from '../records/helpers/store';

export const NOW = Date.parse('2024-05-02T02:00:00Z');
export const PATH = '/ingest/records';
export const LAB = DEMO_SOURCE_IDS.naatLab;
export const SITE = DEMO_SOURCE_IDS.vaccinationSite;

/** GB 11643-1999 check character over the first 17 digits. */
export function withCheckDigit(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The bench's person-id key (fixed, so PEOPLE can name their person ids). */
export const PERSON_IDS = new PersonIds(new Uint8Array(32).fill(7));

/** Registered in the bench's citizen registry. */
export const PEOPLE = [
  { idNumber: withCheckDigit('11010519491231002'), name: '张三' },
  { idNumber: withCheckDigit('44030419900101123'), name: '李四' },
  { idNumber: withCheckDigit('65010219800315031'), name: '买买提·艾力' },
].map((p) => ({ ...p, personId: PERSON_IDS.personId(p.idNumber) }));

/** A valid ID number the registry does not hold. */
export const UNREGISTERED = { idNumber: withCheckDigit('31010419920101005'), name: '王五' };

export interface Bench {
  ts: TestStore;
  clock: ManualClock;
  keys: Record<string, Uint8Array>;
  service: IngestService;
  /** The ID numbers the resolver looked up in the registry, in order. */
  lookups: string[];
  /** Signs with `as` (default: the source's own key) and sends. */
  send(body: unknown, opts?: SendOptions): ReturnType<IngestService['handle']>;
  request(body: unknown, opts?: SendOptions): IngestRequest;
  close(): Promise<void>;
}

export interface SendOptions {
  source?: string;
  /** Key to sign with (default: the source's). */
  key?: Uint8Array;
  /** Clock of the sender (default: the server's). */
  senderNow?: number;
  nonce?: string;
  contentType?: string;
  method?: string;
  /** Raw body bytes instead of JSON.stringify(body). */
  raw?: Uint8Array;
  /** Change the request after signing (tampering). */
  tamper?: (r: IngestRequest) => IngestRequest;
}

export async function bench(options: Partial<IngestOptions> = {}): Promise<Bench> {
  const ts = await openTestStore();
  const clock = new ManualClock(NOW);
  await seedRecords(ts.store, [], clock); // the demo sources only
  const keys: Record<string, Uint8Array> = { [LAB]: generateSourceKey(), [SITE]: generateSourceKey() };
  for (const p of PEOPLE) await ts.store.insert('citizens', { _id: p.idNumber, idNumber: p.idNumber, name: p.name, status: 'active' });
  const lookups: string[] = [];
  // The registry production reads, observed (every call passes through unchanged).
  const stored = new StoreCitizenRegistry(ts.store);
  const registry: CitizenRegistry = {
    lookup: (idNumber) => {
      lookups.push(idNumber);
      return stored.lookup(idNumber);
    },
  };
  const service = new IngestService({ store: ts.store, clock, keyring: new MapKeyring(keys), resolvePerson: registryPersons(registry, PERSON_IDS) }, options);
  const request = (body: unknown, o: SendOptions = {}): IngestRequest => {
    const source = o.source ?? LAB;
    const bytes = o.raw ?? new TextEncoder().encode(JSON.stringify(body));
    const method = o.method ?? 'POST';
    const headers = signRequest({
      method,
      path: PATH,
      body: bytes,
      sourceId: source,
      key: o.key ?? keys[source],
      now: o.senderNow ?? clock.now(),
      nonce: o.nonce,
    });
    const req: IngestRequest = { method, path: PATH, headers: { ...headers, 'Content-Type': o.contentType ?? 'application/json' }, body: bytes };
    return o.tamper ? o.tamper(req) : req;
  };
  return {
    ts,
    clock,
    keys,
    service,
    lookups,
    request,
    send: (body, o) => service.handle(request(body, o)),
    close: () => ts.close(),
  };
}

export function naatJson(over: Record<string, unknown> = {}, person: { idNumber: string; name: string } = PEOPLE[0]) {
  return {
    kind: 'naat',
    sourceRecordId: 'HS20240501-0001',
    person: { idNumber: person.idNumber, name: person.name },
    sampledAt: '2024-05-01T09:30:00+08:00',
    result: '260415000',
    centre: '北京市朝阳区疾病预防控制中心核酸检测实验室',
    ...over,
  };
}

export function iggJson(over: Record<string, unknown> = {}, person = PEOPLE[0]) {
  return {
    kind: 'igg',
    sourceRecordId: 'IGG-20240501-0001',
    person: { idNumber: person.idNumber, name: person.name },
    sampledAt: '2024-05-01T10:05:00+08:00',
    result: 'positive',
    value: 26.8,
    unit: 'AU/mL',
    method: 'CLIA',
    centre: '北京市朝阳区疾病预防控制中心',
    ...over,
  };
}

export function vaccinationJson(over: Record<string, unknown> = {}, person = PEOPLE[0]) {
  return {
    kind: 'vaccination',
    sourceRecordId: 'JZ-0001',
    person: { idNumber: person.idNumber, name: person.name },
    date: '2021-04-12',
    product: 'BBIBP-CorV',
    manufacturer: 'ORG-100020693',
    vaccine: '1157024006',
    dose: 1,
    doses: 2,
    ...over,
  };
}

/** What a refused call threw: a ServiceError's code, status, catalogue message and params, or another error's message. */
type Failure = { code?: string; status?: number; message: string; messageCode?: string; params?: Readonly<Record<string, string | number>> };

/** The ServiceError (or other error) a promise rejects with. */
export async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    return e as Failure;
  }
  throw new Error('expected a failure');
}
