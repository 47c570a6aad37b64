/**
 * Revocation, the whole story: a traveller's certificate is issued; an operator revokes it; the
 * holder sees that it was revoked, when and why, and cannot have it re-signed; every one of its
 * codes (ITHC and each HC1) is reported REVOKED by core's verifier fed with the published hash
 * list; once the lab corrects the record, a fresh certificate issues and verifies.
 */
import { DEMO_TRAVELLER_OPENID, demoTravellerFlow, seedDemo } from '../../demo/seed';
import { userIdFor } from '../../server/identity/person-id';
import { toBase64 } from '../../core/bytes';
import { decodeStages } from '../../core/hcert';
import { makeUvci } from '../../core/ithc';
import type { CertificateView } from '../../server/functions/definitions';
import type { RevocationEntry } from '../../server/revocation/service';
import type { CollectionName } from '../../server/store/store';
import { call, contents, err, ok, openApp, OPERATOR } from '../partners/helpers';
import { correctDemoNaat, euHash, revocationListOf, signatureR, trustedKeys, verify } from './helpers';

const REASON = '检测机构报告记录有误 / the laboratory reported an error in the record';

function allCodes(v: CertificateView): string[] {
  return [v.codes.ithc, ...v.codes.dcc.map((d) => d.code)];
}

/** The kid (base64) in a code's COSE header: ITHC1 and HC1 codes have signers of their own. */
function kidOf(code: string): string {
  const kid = decodeStages(code).sign1?.kid;
  if (!kid) throw new Error(`no kid in ${code.slice(0, 12)}...`);
  return toBase64(kid);
}

/** The entries the EU scheme prescribes for a certificate's codes, computed here from the view and each code's own kid. */
function expectedEntries(v: CertificateView, country: string): RevocationEntry[] {
  const out: RevocationEntry[] = [];
  const codes = [{ uci: v.id, code: v.codes.ithc }, ...v.codes.dcc.map((d) => ({ uci: d.uci, code: d.code }))];
  for (const { uci, code } of codes) {
    const kid = kidOf(code);
    out.push({ kid, type: 'UCI', hash: euHash(uci) });
    out.push({ kid, type: 'COUNTRYCODEUCI', hash: euHash(country + uci) });
    out.push({ kid, type: 'SIGNATURE', hash: euHash(signatureR(code)) });
  }
  return out;
}

const byKey = (a: RevocationEntry, b: RevocationEntry) => (`${a.type}${a.hash}` < `${b.type}${b.hash}` ? -1 : 1);

describe('revoking a certificate', () => {
  test('the whole story: revoke → holder sees it → REVOKED everywhere → corrected records → a fresh certificate', async () => {
    const { app, clock } = await openApp('revocation-story');
    await seedDemo(app);
    const first = await demoTravellerFlow(app);
    expect(first.codes.dcc.length).toBeGreaterThan(0);
    const keys = await trustedKeys(app);
    expect(await app.revocation.hashList()).toEqual([]);
    for (const code of allCodes(first)) expect((await verify(app, code, keys, revocationListOf([]))).valid).toBe(true);

    // Only an operator may revoke; a refusal writes nothing.
    const untouched = await contents(app);
    expect((await err(call(app, 'admin', DEMO_TRAVELLER_OPENID, { action: 'revoke', certificateId: first.id, reason: REASON }))).code).toBe('FORBIDDEN');
    expect(await contents(app)).toEqual(untouched);

    clock.advance(3_600_000);
    const revokedAt = clock.now();
    expect(await ok(call(app, 'admin', OPERATOR, { action: 'revoke', certificateId: first.id, reason: REASON }))).toEqual({ revoked: true });

    // Exactly three documents changed: the certificate, a new revocation, a new audit entry.
    const after = await contents(app);
    expect(after.partners).toEqual(untouched.partners);
    expect(after.certificates).toEqual(
      untouched.certificates.map((c) =>
        c.uci === first.id ? { ...c, status: 'revoked', revokedAt, revokedReason: REASON, revokedReasonCode: 'OPERATOR' } : c,
      ),
    );
    expect(after.revocations).toHaveLength(1);
    const newAudit = after.audit.filter((a) => !untouched.audit.some((b) => b._id === a._id));
    expect(newAudit).toEqual([
      expect.objectContaining({ action: 'certificate.revoke', actor: userIdFor(OPERATOR), outcome: 'success', certificateId: first.id, at: revokedAt }),
    ]);

    // The holder sees it.
    const seen = await ok<CertificateView>(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'get' }));
    expect(seen).toEqual({ ...first, status: 'revoked', revokedAt, revokedReason: REASON, revokedReasonCode: 'OPERATOR' });
    // …and cannot have the same records re-signed.
    const refused = await err(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'issue' }));
    expect({ code: refused.code, messageCode: refused.messageCode }).toEqual({ code: 'CONFLICT', messageCode: 'server.certificateRevokedReissue' });

    // The published list: the EU hashes of the ITHC code and of each HC1 code.
    const list = await app.revocation.hashList();
    expect([...list].sort(byKey)).toEqual(expectedEntries(first, 'CN').sort(byKey));
    // Each format's codes under their own signer.
    expect(kidOf(first.codes.ithc)).toBe(first.kid);
    expect(first.codes.dcc.map((d) => kidOf(d.code))).not.toContain(first.kid);
    expect(await ok(call(app, 'admin', OPERATOR, { action: 'revocations' }))).toEqual([
      {
        certificateId: first.id,
        reason: REASON,
        reasonCode: 'OPERATOR',
        revokedAt: new Date(revokedAt).toISOString(),
        revokedBy: userIdFor(OPERATOR),
        codes: [{ format: 'ithc', uci: first.id, kid: first.kid }, ...first.codes.dcc.map((d) => ({ format: 'dcc', uci: d.uci, kid: kidOf(d.code) }))],
      },
    ]);

    // Every code is REVOKED for a verifier with the list, and with each kind of hash alone.
    for (const code of allCodes(first)) {
      const v = await verify(app, code, keys, revocationListOf(list));
      expect(v.valid).toBe(false);
      expect(v.errors.map((e) => e.code)).toEqual(['REVOKED']);
      for (const type of ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const) {
        expect((await verify(app, code, keys, revocationListOf(list.filter((e) => e.type === type)))).errors.map((e) => e.code)).toEqual(['REVOKED']);
      }
      // Without the list, the signature itself is still good: revocation is what stops it.
      expect((await verify(app, code, keys)).valid).toBe(true);
    }

    // The lab corrects the record: new content, new certificate id, a fresh certificate.
    clock.advance(3_600_000);
    expect(await correctDemoNaat(app)).toMatchObject({ updated: 1, rejected: [] });
    const fresh = await ok<CertificateView>(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'issue' }));
    expect(fresh.id).not.toBe(first.id);
    expect(fresh.status).toBe('valid');
    expect(fresh.revokedAt).toBeUndefined();
    // …and says which certificate it replaces, and why that one ended.
    expect(fresh.previous).toEqual({ id: first.id, revokedAt, reason: REASON, reasonCode: 'OPERATOR' });
    expect(fresh.certificate.tests).toEqual([expect.objectContaining({ testingCentre: '北京市朝阳区疾病预防控制中心核酸检测实验室（更正）' })]);
    expect(await ok<CertificateView>(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'get' }))).toEqual(fresh);
    for (const code of allCodes(fresh)) expect((await verify(app, code, keys, revocationListOf(await app.revocation.hashList()))).valid).toBe(true);
    // The revoked one stays revoked.
    expect(await app.revocation.hashList()).toEqual(list);
  });

  test("another person's certificate is untouched by the list", async () => {
    const { app } = await openApp('revocation-other');
    await seedDemo(app);
    const mine = await demoTravellerFlow(app);
    const theirs = await demoTravellerFlow(app, 'second-traveller', 1);
    await app.revocation.revoke(mine.id, REASON, 'test');
    const keys = await trustedKeys(app);
    const list = revocationListOf(await app.revocation.hashList());
    for (const code of allCodes(theirs)) expect((await verify(app, code, keys, list)).valid).toBe(true);
    expect((await ok<CertificateView>(call(app, 'certificate', 'second-traveller', { action: 'get' }))).status).toBe('valid');
  });
});

/** What a revocation may write: the certificates, revocations, audit, and with blockRecords the record links. */
const WRITTEN: CollectionName[] = ['certificates', 'revocations', 'audit', 'recordLinks', 'partners'];

describe('refusals write nothing', () => {
  test.each([
    ['an unknown certificate', () => ({ certificateId: makeUvci('CN', 'NOSUCHCERTIFICATE'), reason: REASON }), 'NOT_FOUND'],
    ['a malformed certificate id', () => ({ certificateId: 'URN:UVCI:01:CN:ABC', reason: REASON }), 'VALIDATION_FAILED'],
    ['no certificate id', () => ({ reason: REASON }), 'VALIDATION_FAILED'],
    ['no reason', (id: string) => ({ certificateId: id, reason: '  ' }), 'VALIDATION_FAILED'],
    ['a reason of 201 characters', (id: string) => ({ certificateId: id, reason: 'x'.repeat(201) }), 'VALIDATION_FAILED'],
    ['a reason with a control character', (id: string) => ({ certificateId: id, reason: 'wrong\u001b[31m record' }), 'VALIDATION_FAILED'],
    ['blockRecords that is not a boolean', (id: string) => ({ certificateId: id, reason: REASON, blockRecords: 'yes' }), 'VALIDATION_FAILED'],
  ] as const)('%s', async (_what, input, code) => {
    const { app } = await openApp('revocation-refusals');
    await seedDemo(app);
    const v = await demoTravellerFlow(app);
    const before = await contents(app, WRITTEN);
    expect((await err(call(app, 'admin', OPERATOR, { action: 'revoke', ...input(v.id) }))).code).toBe(code);
    expect(await contents(app, WRITTEN)).toEqual(before);
  });

  test('revoking twice is a conflict; a reason of 200 characters is accepted', async () => {
    const { app } = await openApp('revocation-twice');
    await seedDemo(app);
    const v = await demoTravellerFlow(app);
    await ok(call(app, 'admin', OPERATOR, { action: 'revoke', certificateId: v.id, reason: 'x'.repeat(200) }));
    const before = await contents(app, WRITTEN);
    expect((await err(call(app, 'admin', OPERATOR, { action: 'revoke', certificateId: v.id, reason: REASON }))).code).toBe('CONFLICT');
    expect(await contents(app, WRITTEN)).toEqual(before);
    expect((await err(call(app, 'admin', DEMO_TRAVELLER_OPENID, { action: 'revocations' }))).code).toBe('FORBIDDEN');
  });
});
