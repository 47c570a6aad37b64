/**
 * The partner registry: the demo partner seeded with its key pair in the secrets, the public list,
 * operator-only management with validation of every field (nothing written on a refusal), audit
 * entries, export and import.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemo } from '../../demo/seed';
import { DEMO_AUTHORITY_KEY_SECRET, DEMO_PARTNER_RULES, demoAuthorityPrivateKeyPem, demoPartner, seedDemoPartner } from '../../demo/partner';
import { readRuleSet } from '../../core/rule-schema';
import { ServiceError } from '../../server/errors';
import { makeDsc } from '../../bench/fixtures';
import { call, contents, err, ok, openApp, OPERATOR } from './helpers';

function b64(b: Uint8Array | Buffer): string {
  return Buffer.from(b).toString('base64');
}

/** A fresh P-256 public key as the registry stores it, with kid = SHA-256(SPKI)[0..8]. */
function p256Key(): { kid: string; spki: string } {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  return { kid: b64(createHash('sha256').update(spki).digest().subarray(0, 8)), spki: b64(spki) };
}

/** A valid partner for country FR with one key and one of the demo's rules re-labelled for FR. */
function frPartner(over: Record<string, unknown> = {}): Record<string, unknown> {
  const rule = { ...DEMO_PARTNER_RULES[2], Identifier: 'TR-FR-0001', Country: 'FR' };
  return {
    country: 'FR',
    name: { zh: '法国（测试）', en: 'France (test)' },
    accepts: ['dcc', 'sealed'],
    encryptionKeys: [p256Key()],
    rules: [rule],
    signingCertificates: [],
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServiceError) return e;
    throw e;
  }
  throw new Error('expected a ServiceError');
}

describe('the demo partner', () => {
  test('seedDemo creates SG with a key pair whose private half is in the secrets (PKCS#8 PEM) and only the public half in the registry', async () => {
    const { app, dataDir } = await openApp('partners-demo');
    await seedDemo(app);
    const file = join(dataDir, 'secrets', DEMO_AUTHORITY_KEY_SECRET);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    const pem = readFileSync(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await demoAuthorityPrivateKeyPem(app)).toBe(pem);
    const priv = createPrivateKey(pem);
    expect(priv.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const sg = await app.partners.get('SG');
    expect(sg).not.toBeNull();
    expect(sg!.name).toEqual({ zh: '新加坡（演示）', en: 'Singapore (demo)' });
    expect(sg!.accepts).toEqual(['sealed', 'ithc', 'dcc']);
    expect(sg!.signingCertificates).toEqual([]);
    // The registered public key is the private key's, derived here with node:crypto alone.
    const spki = createPublicKey(priv).export({ type: 'spki', format: 'der' });
    expect(sg!.encryptionKeys).toEqual([{ kid: b64(createHash('sha256').update(spki).digest().subarray(0, 8)), spki: b64(spki) }]);
    // The private key is nowhere in the registry.
    expect(JSON.stringify(await contents(app))).not.toContain(pem.split('\n')[1]);
    // Its rules are a valid SG rule set.
    expect(readRuleSet(sg!.rules, 'SG').problems).toEqual([]);
    expect(sg!.rules).toEqual(JSON.parse(JSON.stringify(DEMO_PARTNER_RULES)));
  });

  test('seeding again changes nothing; a reset key replaces the registered one', async () => {
    const { app, clock } = await openApp('partners-demo-again');
    await seedDemo(app);
    const before = await contents(app);
    clock.advance(60_000);
    expect(await seedDemoPartner(app)).toEqual({ created: false, updated: false });
    expect(await contents(app)).toEqual(before);

    const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await app.secrets.put(DEMO_AUTHORITY_KEY_SECRET, fresh);
    expect(await seedDemoPartner(app)).toEqual({ created: false, updated: true });
    expect((await app.partners.get('SG'))!.encryptionKeys).toEqual(demoPartner(fresh).encryptionKeys);
  });
});

describe('partners.list (public)', () => {
  test('anyone, even without an OPENID, sees the destinations and nothing else', async () => {
    const { app } = await openApp('partners-list');
    await seedDemo(app);
    await app.partners.upsert(frPartner({ accepts: ['dcc'], encryptionKeys: [], rules: [] }), 'test');
    const list = await ok(call(app, 'partners', '', { action: 'list' }));
    const sgKids = (await app.partners.get('SG'))!.encryptionKeys.map((k) => k.kid);
    expect(sgKids).toHaveLength(1);
    expect(list).toEqual([
      { country: 'FR', name: { zh: '法国（测试）', en: 'France (test)' }, accepts: ['dcc'], hasRules: false, sealed: false, kids: [] },
      { country: 'SG', name: { zh: '新加坡（演示）', en: 'Singapore (demo)' }, accepts: ['sealed', 'ithc', 'dcc'], hasRules: true, sealed: true, kids: sgKids },
    ]);
  });

  test('a partner whose only key has expired is not offered for sealing; rules past ValidTo do not count', async () => {
    const { app, clock } = await openApp('partners-list-expiry');
    const rule = { ...DEMO_PARTNER_RULES[2], Identifier: 'TR-FR-0001', Country: 'FR', ValidTo: '2025-03-05T00:00:00Z' };
    await app.partners.upsert(frPartner({ encryptionKeys: [{ ...p256Key(), notAfter: '2025-03-05T00:00:00Z' }], rules: [rule] }), 'test');
    expect((await app.partners.summaries())[0]).toMatchObject({ sealed: true, hasRules: true });
    clock.set(Date.parse('2025-03-05T00:00:00Z'));
    expect((await app.partners.summaries())[0]).toMatchObject({ sealed: false, hasRules: false });
  });
});

describe('operators manage partners', () => {
  test('upsert, get, remove are refused to others, and nothing is written', async () => {
    const { app } = await openApp('partners-authz');
    const before = await contents(app);
    expect((await err(call(app, 'partners', 'someone', { action: 'upsert', ...frPartner() }))).code).toBe('FORBIDDEN');
    expect((await err(call(app, 'partners', 'someone', { action: 'get', country: 'FR' }))).code).toBe('FORBIDDEN');
    expect((await err(call(app, 'partners', 'someone', { action: 'remove', country: 'FR' }))).code).toBe('FORBIDDEN');
    expect((await err(call(app, 'partners', '', { action: 'upsert', ...frPartner() }))).code).toBe('UNAUTHENTICATED');
    expect(await contents(app)).toEqual(before);
  });

  test('an operator creates, reads, updates and removes a partner; each change is audited', async () => {
    const { app, clock } = await openApp('partners-crud');
    const input = frPartner();
    const created = await ok(call(app, 'partners', OPERATOR, { action: 'upsert', ...input }));
    expect(created).toMatchObject({ _id: 'FR', ...input, updatedAt: clock.now() });
    expect(await ok(call(app, 'partners', OPERATOR, { action: 'get', country: 'FR' }))).toEqual(created);
    clock.advance(1000);
    await ok(call(app, 'partners', OPERATOR, { action: 'upsert', ...input, accepts: ['dcc'] }));
    expect((await app.partners.get('FR'))!.accepts).toEqual(['dcc']);
    clock.advance(1000);
    expect(await ok(call(app, 'partners', OPERATOR, { action: 'remove', country: 'FR' }))).toEqual({ removed: true });
    expect(await app.partners.get('FR')).toBeNull();
    expect((await err(call(app, 'partners', OPERATOR, { action: 'remove', country: 'FR' }))).code).toBe('NOT_FOUND');
    expect((await err(call(app, 'partners', OPERATOR, { action: 'get', country: 'FR' }))).code).toBe('NOT_FOUND');
    const audit = (await app.store.find('audit', {}, { orderBy: { field: 'at', direction: 'asc' } })).map((a) => [a.action, a.country, a.outcome]);
    expect(audit).toEqual([
      ['partner.create', 'FR', 'success'],
      ['partner.update', 'FR', 'success'],
      ['partner.remove', 'FR', 'success'],
    ]);
  });

  test('a partner document with real CertLogic rules passes the function (deeper than other requests may be)', async () => {
    const { app } = await openApp('partners-deep');
    const pem = await demoAuthorityPrivateKeyPem(app);
    await ok(call(app, 'partners', OPERATOR, { action: 'upsert', ...demoPartner(pem) }));
    expect((await app.partners.get('SG'))!.rules).toHaveLength(DEMO_PARTNER_RULES.length);
    // The same depth is still refused on other actions.
    const deep = { action: 'list', x: [[[[[[[[[[1]]]]]]]]]] };
    expect((await err(call(app, 'partners', OPERATOR, deep))).code).toBe('BAD_REQUEST');
  });
});

describe('every field is validated before anything is written', () => {
  const dsc = makeDsc({ country: 'FR' });
  const otherCurve = b64(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'der' }));
  const offCurve = (() => {
    const k = Buffer.from(p256Key().spki, 'base64');
    k[k.length - 1] ^= 1; // y no longer fits x
    return b64(k);
  })();
  const rule = frPartner().rules as any[];
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['a lower-case country', { country: 'fr' }, 'country'],
    ['a country outside the value set', { country: 'QQ' }, 'country'],
    ['our own country', { country: 'CN' }, 'country'],
    ['an English name of 81 characters', { name: { zh: '法国', en: 'x'.repeat(81) } }, 'name.en'],
    ['a missing Chinese name', { name: { en: 'France' } }, 'name.zh'],
    ['a name with a control character', { name: { zh: '法国', en: 'Fra\u0007nce' } }, 'name.en'],
    ['an unknown format', { accepts: ['dcc', 'pdf'] }, 'accepts'],
    ['no format', { accepts: [] }, 'accepts'],
    ['a format twice', { accepts: ['dcc', 'dcc'] }, 'accepts'],
    ['sealed codes without a key', { encryptionKeys: [] }, 'encryptionKeys'],
    ['a P-384 key', { encryptionKeys: [{ kid: 'AQID', spki: otherCurve }] }, 'encryptionKeys[0].spki'],
    ['a point off the curve', { encryptionKeys: [{ kid: 'AQID', spki: offCurve }] }, 'encryptionKeys[0].spki'],
    ['a key without a kid', { encryptionKeys: [{ spki: p256Key().spki }] }, 'encryptionKeys[0].kid'],
    ['a kid that is not base64', { encryptionKeys: [{ kid: 'not base64!', spki: p256Key().spki }] }, 'encryptionKeys[0].kid'],
    [
      'one key twice',
      (() => {
        const k = p256Key();
        return { encryptionKeys: [k, { ...k }] };
      })(),
      'encryptionKeys[1].kid',
    ],
    ['a kid not derived from its key', { encryptionKeys: [{ ...p256Key(), kid: p256Key().kid }] }, 'encryptionKeys[0].kid'],
    ['a key expiry without a zone', { encryptionKeys: [{ ...p256Key(), notAfter: '2026-01-01T00:00:00' }] }, 'encryptionKeys[0].notAfter'],
    ['pointCompression as text', { encryptionKeys: [{ ...p256Key(), pointCompression: 'no' }] }, 'encryptionKeys[0].pointCompression'],
    ['a rule whose Logic is not CertLogic', { rules: [{ ...rule[0], Logic: { if: [true, true] } }] }, 'rules'],
    ['a rule of another country', { rules: [{ ...rule[0], Identifier: 'TR-DE-0001', Country: 'DE' }] }, 'rules'],
    ['a Test rule named VR-', { rules: [{ ...rule[0], Identifier: 'VR-FR-0001' }] }, 'rules'],
    [
      'a rule without an English description',
      { rules: [{ ...rule[0], Description: [{ lang: 'fr', desc: 'Le test doit être négatif, sinon refus.' }] }] },
      'rules',
    ],
    ['a rule valid to before it is valid from', { rules: [{ ...rule[0], ValidTo: '2023-01-01T00:00:00Z' }] }, 'rules'],
    ['rules that are not an array', { rules: { a: 1 } }, 'rules'],
    [
      'a signing certificate that is not X.509',
      { signingCertificates: [{ rawData: b64(Buffer.from('not a certificate')) }] },
      'signingCertificates[0].rawData',
    ],
    ['a signing certificate with a wrong kid', { signingCertificates: [{ kid: 'AAAAAAAAAAA=', rawData: b64(dsc.der) }] }, 'signingCertificates[0].kid'],
    ['a signing certificate of another country', { signingCertificates: [{ country: 'DE', rawData: b64(dsc.der) }] }, 'signingCertificates[0].country'],
    ['an unknown field', { website: 'https://example.org' }, 'website'],
  ];

  test.each(bad)('%s', async (_what, over, field) => {
    const { app } = await openApp('partners-bad');
    const before = await contents(app);
    const e = await refusal(app.partners.upsert(frPartner(over), 'test'));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(e.fields ?? {})).toContain(field);
    expect(await contents(app)).toEqual(before);
  });

  test('a name of exactly 80 characters, a signing certificate with its own kid, and a key expiry are accepted', async () => {
    const { app } = await openApp('partners-good');
    const key = { ...p256Key(), notAfter: '2026-01-01T08:00:00+08:00' };
    const p = await app.partners.upsert(
      frPartner({
        name: { zh: '法'.repeat(80), en: 'x'.repeat(80) },
        encryptionKeys: [key],
        signingCertificates: [{ kid: b64(dsc.kid), rawData: b64(dsc.der) }],
      }),
      'test',
    );
    expect(p.signingCertificates).toEqual([{ kid: b64(dsc.kid), country: 'FR', certificateType: 'DSC', rawData: b64(dsc.der) }]);
    expect(p.encryptionKeys[0].notAfter).toBe('2026-01-01T00:00:00.000Z');
  });

  test('pointCompression: false is kept for a key; true, the default, is not stored', async () => {
    const { app } = await openApp('partners-points');
    const [full, compact] = [p256Key(), p256Key()];
    const p = await app.partners.upsert(
      frPartner({
        encryptionKeys: [
          { ...full, pointCompression: false },
          { ...compact, pointCompression: true },
        ],
      }),
      'test',
    );
    expect(p.encryptionKeys).toEqual([{ ...full, pointCompression: false }, compact]);
  });

  test('the refusal names every bad field at once', async () => {
    const { app } = await openApp('partners-many');
    const e = await refusal(app.partners.upsert(frPartner({ country: 'fr', accepts: ['x'], name: { zh: '', en: 'France' } }), 'test'));
    expect(Object.keys(e.fields ?? {}).sort()).toEqual(['accepts', 'country', 'name.zh']);
  });
});

describe('export and import', () => {
  test('an export imports into another registry as the same partners', async () => {
    const a = await openApp('partners-export');
    await seedDemo(a.app);
    const dsc = makeDsc({ country: 'FR' });
    await a.app.partners.upsert(frPartner({ signingCertificates: [{ rawData: b64(dsc.der) }] }), 'test');
    const exported = await a.app.partners.exportAll();
    expect(exported).toMatchObject({ format: 'ithc-partners', version: 1, exportedAt: new Date(a.clock.now()).toISOString() });
    expect(exported.partners.map((p) => p.country)).toEqual(['FR', 'SG']);

    const b = await openApp('partners-import');
    // Through JSON, as the file travels.
    expect(await b.app.partners.importAll(JSON.parse(JSON.stringify(exported)), 'test')).toEqual({ imported: 2, countries: ['FR', 'SG'] });
    const again = await b.app.partners.exportAll();
    expect(again.partners).toEqual(exported.partners);
    const audit = await b.app.store.find('audit', {});
    expect(audit.map((x) => [x.action, x.countries])).toEqual([['partner.import', ['FR', 'SG']]]);
  });

  test('one bad partner, or one country twice, and nothing is imported', async () => {
    const { app } = await openApp('partners-import-bad');
    const before = await contents(app);
    const e1 = await refusal(
      app.partners.importAll(
        { format: 'ithc-partners', version: 1, partners: [frPartner(), frPartner({ country: 'DE', accepts: ['nope'], rules: [] })] },
        'test',
      ),
    );
    expect(Object.keys(e1.fields ?? {})).toEqual(['partners[1].accepts']);
    const e2 = await refusal(app.partners.importAll([frPartner(), frPartner()], 'test'));
    expect(Object.keys(e2.fields ?? {})).toEqual(['partners.FR']);
    const e3 = await refusal(app.partners.importAll({ format: 'ithc-partners', version: 2, partners: [] }, 'test'));
    expect(e3.code).toBe('VALIDATION_FAILED');
    expect(await contents(app)).toEqual(before);
  });
});
