/**
 * The demo on a local app (`npm start`, `npm run demo`, tests): seeds the demo citizens, documents,
 * records, lab keys and partner authority, and walks a demo traveller through the functions as the
 * mini program would. Production compositions never import this folder.
 */
import { maskResidentId } from '../core/resident-id';
import { call } from '../node/local';
import type { App } from '../server/app';
import type { Envelope } from '../server/functions/router';
import { createSourceKey } from '../server/ingest/signature';
import { DEMO_CITIZENS, seedCitizens } from './citizens';
import { DEMO_DOCUMENTS, seedDocumentRegistry } from './documents';
import { seedDemoPartner } from './partner';
import { DEMO_SOURCES, seedRecords } from './records';

/** Seeds the demo registry, documents, records and source keys. Idempotent: a second run adds only what is missing. */
export async function seedDemo(app: App): Promise<{ citizens: number; documents: number; records: number }> {
  const citizens = await seedCitizens(app.store);
  const documents = await seedDocumentRegistry(app.store);
  const personIds = DEMO_CITIZENS.map((c) => app.personIds.personId(c.idNumber));
  const { records } = await seedRecords(app.store, personIds, app.clock);
  // Each demo lab gets its own HMAC key, made here on first run and kept wrapped in the store.
  for (const s of DEMO_SOURCES) await createSourceKey(app.vault, s._id);
  // The demo partner authority (SG): its encryption key pair is made here on first run, kept in the secrets.
  await seedDemoPartner(app);
  return { citizens, documents, records };
}

async function ok<T>(p: Promise<Envelope>, what: string): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`${what} failed: ${env.error.code} ${env.error.message}`);
  return env.data as T;
}

export const DEMO_TRAVELLER_OPENID = 'demo-traveller';

/** The traveller's whole first-use flow for a demo citizen: identity → passport → records → certificate. */
export async function demoTravellerFlow(app: App, openid = DEMO_TRAVELLER_OPENID, citizenIndex = 0) {
  const c = DEMO_CITIZENS[citizenIndex];
  const doc = DEMO_DOCUMENTS.find(
    (d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > new Date(app.clock.now()).toISOString().slice(0, 10),
  );
  if (!doc) throw new Error(`no valid demo document for ${c.name}`);
  const person = { name: c.name, idNumber: c.idNumber };
  // Idempotent, like demoRelativeFlow: a restart of `npm start` reuses the identity and document it
  // made, instead of spending a face check (they are limited per caller) on every start.
  const status = await ok<{ verified: boolean; name?: string; idNumberMasked?: string }>(
    call(app, 'identity', openid, { action: 'status' }),
    'identity status',
  );
  if (!status.verified || status.name !== c.name || status.idNumberMasked !== maskResidentId(c.idNumber)) {
    const session = await ok<{ faceToken: string }>(call(app, 'identity', openid, { action: 'beginFaceCheck', ...person }), 'face check');
    await ok(call(app, 'identity', openid, { action: 'verify', ...person, faceToken: session.faceToken }), 'identity verification');
  }
  const current = await ok<{ number?: string } | null>(call(app, 'document', openid, { action: 'current' }), 'current document');
  if (!current || current.number !== doc.number) {
    await ok(
      call(app, 'document', openid, { action: 'bind', type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }),
      'passport verification',
    );
  }
  return ok<import('../server/functions/definitions').CertificateView>(call(app, 'certificate', openid, { action: 'issue' }), 'issuance');
}

/**
 * 代为查询 in the demo: the demo traveller adds the first demo citizen born before 1950 as a parent
 * (that person present for the stand-in face check, consenting), binds their passport and issues
 * their certificate, all through the relatives and certificate functions. Idempotent: a relation
 * and document already made are reused. Verifies the traveller's identity first if needed.
 */
export async function demoRelativeFlow(app: App, openid = DEMO_TRAVELLER_OPENID) {
  const elderly = DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01');
  if (!elderly) throw new Error('no demo citizen born before 1950');
  const today = new Date(app.clock.now()).toISOString().slice(0, 10);
  const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === elderly.idNumber && d.status === 'valid' && d.expiresOn > today);
  if (!doc) throw new Error(`no valid demo document for ${elderly.name}`);

  const status = await ok<{ verified: boolean }>(call(app, 'identity', openid, { action: 'status' }), 'identity status');
  if (!status.verified) {
    const c = DEMO_CITIZENS[0];
    const me = { name: c.name, idNumber: c.idNumber };
    const s = await ok<{ faceToken: string }>(call(app, 'identity', openid, { action: 'beginFaceCheck', ...me }), 'face check');
    await ok(call(app, 'identity', openid, { action: 'verify', ...me, faceToken: s.faceToken }), 'identity verification');
  }

  type Relative = import('../server/relatives/service').RelativeView;
  const person = { name: elderly.name, idNumber: elderly.idNumber };
  const listed = await ok<Relative[]>(call(app, 'relatives', openid, { action: 'list' }), 'relatives list');
  let relative = listed.find((r) => r.name === elderly.name && r.idNumberMasked === maskResidentId(elderly.idNumber));
  if (!relative) {
    const s = await ok<{ faceToken: string }>(call(app, 'relatives', openid, { action: 'beginFaceCheck', ...person }), "relative's face check");
    relative = await ok<Relative>(
      call(app, 'relatives', openid, { action: 'add', ...person, relationship: 'parent', faceToken: s.faceToken, consent: true }),
      'adding the relative',
    );
  }
  if (!relative.document) {
    const bound = await ok<Relative['document']>(
      call(app, 'relatives', openid, { action: 'bindDocument', for: relative.id, type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }),
      "relative's passport verification",
    );
    relative = { ...relative, document: bound };
  }
  const certificate = await ok<import('../server/functions/definitions').CertificateView>(
    call(app, 'certificate', openid, { action: 'issue', for: relative.id }),
    "relative's issuance",
  );
  return { relative, certificate };
}
