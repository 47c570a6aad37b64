/**
 * A certificate our own records cannot make valid is reported and not signed. Records can reach
 * issuance that the certificate's model refuses (one stored before a limit, or by a source that is
 * not ingestion): the traveller is told what is wrong (VALIDATION_FAILED, server.certificateIncomplete),
 * nothing is signed or stored, and the certificate comes once the record is mended.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ITHC_LIMITS } from '../../core/ithc';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { demoRecordsFor } from '../../demo/records';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { buildCertificate } from '../../server/issuance/build';
import { recordDocId } from '../../server/records/record-id';
import { signCertificate, type SignJob } from '../../server/issuance/sign';
import { nodeEs256Signer } from '../../server/keys/es256-signer';
import type { Signer } from '../../core/crypto/provider';
import { call, err, ok, openApp } from '../partners/helpers';
import { TEST_SUBJECT } from './fixtures';

const TOO_LONG = 'L'.repeat(ITHC_LIMITS.maxText + 1);

/** The real ES256 signer over a key made now, counting its signatures. */
function countedSigner(): { signer: Signer; signatures: () => number } {
  const real = nodeEs256Signer(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  let n = 0;
  return {
    signer: {
      alg: real.alg,
      sign: (data) => {
        n++;
        return real.sign(data);
      },
    },
    signatures: () => n,
  };
}

test('signCertificate answers with the problems of contents that are not a valid certificate, and signs nothing', async () => {
  const now = Date.UTC(2026, 10, 20, 4, 0, 0);
  const job = (surnameLatin: string): SignJob => {
    const built = buildCertificate(
      'CN',
      'National Health Commission of the PRC',
      { ...TEST_SUBJECT, document: { ...TEST_SUBJECT.document, surnameLatin } },
      demoRecordsFor('p-test', 0, now),
    );
    const iat = Math.floor(now / 1000);
    return {
      input: built.input,
      recordIdByDccRef: built.recordIdByDccRef,
      sourceNames: built.sourceNames,
      country: 'CN',
      iat,
      exp: { ithc: iat + 86_400, dccTest: iat + 86_400, dccVaccination: iat + 86_400 },
      kid: { ithc: new Uint8Array(8).fill(1), dcc: new Uint8Array(8).fill(2) },
    };
  };
  const ithc = countedSigner();
  const dcc = countedSigner();

  const refused = await signCertificate(job(TOO_LONG), { ithc: ithc.signer, dcc: dcc.signer });
  expect(refused.ok).toBe(false);
  expect(!refused.ok && refused.problems.join('\n')).toMatch(/holder\.surnameLatin.*at most 80/);
  expect(ithc.signatures() + dcc.signatures()).toBe(0);

  // The same job with a name in bounds is signed: one ITHC1 code and an HC1 code per record a DCC can carry.
  const signed = await signCertificate(job('ZHANG'), { ithc: ithc.signer, dcc: dcc.signer });
  expect(signed.ok).toBe(true);
  expect(ithc.signatures()).toBe(1);
  expect(dcc.signatures()).toBe(signed.ok ? signed.signed.dcc.length : -1);
  expect(dcc.signatures()).toBeGreaterThan(0);
});

test('through the app: a stored record the certificate cannot carry is reported to the traveller, nothing is stored, and mending it issues', async () => {
  const { app } = await openApp('sign-outcome');
  await seedDemo(app);
  const openid = 'traveller';
  // Enrolled and issued once, so that the person has records and a certificate that carries them.
  const first = await demoTravellerFlow(app, openid, 0);
  const personId = app.personIds.personId(DEMO_CITIZENS[0].idNumber);
  const naat = demoRecordsFor(personId, 0, app.clock.now()).find((r) => r.kind === 'naat')!;
  // Another result of the same laboratory, stored as it is: it names a testing centre past the
  // certificate's bound (a centre other than the laboratory itself travels by name).
  const sourceRecordId = `${naat.sourceRecordId}-again`;
  const bad = { ...naat, _id: recordDocId(naat.sourceId, sourceRecordId), sourceRecordId, centre: TOO_LONG };
  await app.store.put('records', bad);
  const before = await app.store.find('certificates', { personId }, { limit: 100 });

  const e = await err(call(app, 'certificate', openid, { action: 'issue' }));
  expect(e.code).toBe('VALIDATION_FAILED');
  expect(e.messageCode).toBe('server.certificateIncomplete');
  expect(e.message).toMatch(/testingCentre.*at most 80/);
  expect(await app.store.find('certificates', { personId }, { limit: 100 })).toEqual(before);

  await app.store.put('records', { ...bad, centre: 'Mended Laboratory' });
  const mended = await ok<{ id: string }>(call(app, 'certificate', openid, { action: 'issue' }));
  expect(mended.id).not.toBe(first.id);
  expect(await app.store.find('certificates', { personId }, { limit: 100 })).toHaveLength(before.length + 1);
});
