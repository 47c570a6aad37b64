/** @jest-environment jsdom */
/**
 * Offline first, against the real server with the network off (server-fixture's `offline()`): the
 * saved certificate and the codes last fetched for a destination show at once, with no loading
 * mask over them, with their age and expiry; the refresh runs behind them; no failure replaces a
 * saved code (only an answer that the person is no longer the caller's to show takes it away); what
 * is kept is bounded.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn, type Env } from './mp-env';
import { textAt as text } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { format as formatMessage } from '../../core/view';
import { ageOfInstant, formatInstant } from '../../miniprogram/services/format';
import type { SealView } from '../../miniprogram/services/destination';
import { call } from '../../node/local';

const HOUR = 3_600_000;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer('offline-traveller');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW + HOUR);

const savedCopy = (savedAt = FIXED_NOW) => ({ 'ithc.cert.self': { view: server.view, savedAt } });
/** Every loading indicator that would cover the screen. */
const masks = (env: Env) => env.wx.showLoading.mock.calls.filter(([o]) => o?.mask);

describe('the certificate', () => {
  test('the saved copy shows at once, the refresh runs behind it with nothing covering it', async () => {
    // A request that never answers: the weakest signal there is.
    const hanging = jest.fn();
    const env = createEnv({ stored: savedCopy(), request: hanging });
    const page = await env.open('pages/certificate/index');
    expect(hanging).toHaveBeenCalledTimes(1);
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
    expect(text(page, '.refreshing')).toBe(zh.refreshing);
    expect(masks(env)).toEqual([]);
  });

  test('offline: the copy stays, with a small note of its age, and no mask ever covered it', async () => {
    const routed = serverRequest(server.app, server.openid);
    routed.offline();
    (Date.now as jest.Mock).mockReturnValue(FIXED_NOW + 42 * 60_000);
    const env = createEnv({ stored: savedCopy(), request: routed.request });
    const page = await env.open('pages/certificate/index');
    expect(text(page, '.offline')).toBe(format(zh.offlineCopy, { age: format(zh.ageMinutes, { n: 42 }) }));
    expect(page.querySelectorAll('.refreshing')).toHaveLength(0);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
    expect(masks(env)).toEqual([]);
    // Pulling to refresh while still offline changes nothing but the note's age.
    (Date.now as jest.Mock).mockReturnValue(FIXED_NOW + 50 * 60_000);
    await page.instance.onPullDownRefresh();
    await env.settle();
    expect(text(page, '.offline')).toBe(format(zh.offlineCopy, { age: format(zh.ageMinutes, { n: 50 }) }));
    expect(page.querySelectorAll('.load-failed')).toHaveLength(0);
  });

  test('a gateway that answers with an error page: the copy stays, and the note says why it is not updated', async () => {
    const routed = serverRequest(server.app, server.openid);
    // What a proxy in front of a failed service answers: no envelope, HTTP 502.
    const broken = jest.fn((o: { fail?: unknown; success: (r: unknown) => void }) =>
      setTimeout(() => o.success({ statusCode: 502, data: '<html>Bad Gateway</html>', header: {} }), 0),
    );
    const env = createEnv({ stored: { ...savedCopy(), 'ithc.lang': 'en' }, request: broken });
    const page = await env.open('pages/certificate/index');
    expect(routed.calls).toEqual([]);
    expect(text(page, '.offline')).toBe(format(en.staleCopy, { age: en.ageOneHour, reason: format(en.errorHttpStatus, { status: 502 }) }));
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
  });

  test('issuance on hold (the server refuses to issue): the certificate already on the phone stays, with the reason', async () => {
    const held = await startServer('offline-held');
    try {
      await held.app.holds.hold({ certificateId: held.view.id, reason: 'identity under review' }, 'operator-1');
      const routed = serverRequest(held.app, held.openid);
      const env = createEnv({ stored: { 'ithc.cert.self': { view: held.view, savedAt: FIXED_NOW } }, request: routed.request });
      const page = await env.open('pages/certificate/index');
      expect(routed.calls).toHaveLength(1);
      expect(text(page, '.offline')).toBe(format(zh.staleCopy, { age: zh.ageOneHour, reason: formatMessage('zh', 'server.issuanceHeld') }));
      expect(text(page, '.cert-id')).toBe(held.view.id);
      expect(env.canvases[0].decode()).toBe(held.view.codes.ithc);
    } finally {
      await held.close();
    }
  });

  test('revoked after it was saved: the page says revoked and why, not the saved copy\'s "valid"', async () => {
    const revoked = await startServer('offline-revoked', { operators: ['op-1'] });
    try {
      const r = await call(revoked.app, 'admin', 'op-1', { action: 'revoke', certificateId: revoked.view.id, reason: 'records found to be false' });
      expect(r.ok).toBe(true);
      const routed = serverRequest(revoked.app, revoked.openid);
      const env = createEnv({ stored: { 'ithc.cert.self': { view: revoked.view, savedAt: FIXED_NOW } }, request: routed.request });
      const page = await env.open('pages/certificate/index');
      // issue is refused for a revoked certificate; the latest one then tells the page what happened.
      expect(routed.calls.map((c) => c.data.action)).toEqual(['issue', 'get']);
      expect(text(page, '.status-text')).toBe(zh.statusRevoked);
      expect(page.querySelector('.status')!.dom.className).toContain('banner-bad');
      expect(text(page, '.ended-note')).toBe(format(zh.endedWhy, { reason: zh.endedOPERATOR }));
      expect(page.querySelectorAll('.offline')).toHaveLength(0);
      // Under the code: do not show it, not "tap to enlarge and show".
      expect(text(page, '.qr-hint')).toBe(zh.presentRevoked);
      expect((env.storage.store.get('ithc.cert.self') as { view: { status: string } }).view.status).toBe('revoked');
    } finally {
      await revoked.close();
    }
  });

  test('an account whose identity is gone (released elsewhere): the saved copy is deleted, not shown', async () => {
    const routed = serverRequest(server.app, 'offline-stranger');
    const env = createEnv({ stored: savedCopy(), request: routed.request });
    const page = await env.open('pages/certificate/index');
    expect(page.querySelectorAll('.need-auth')).toHaveLength(1);
    expect(page.querySelectorAll('.qr-card')).toHaveLength(0);
    expect(env.storage.store.has('ithc.cert.self')).toBe(false);
  });
});

describe('the destination page', () => {
  /** The destination page, online, with the sealed codes of the first partner fetched. */
  async function fetchedOnce() {
    const routed = serverRequest(server.app, server.openid);
    const env = createEnv({ stored: savedCopy(), request: routed.request });
    const page = await env.open('pages/destination/index', { for: 'self' });
    await tapOn(env, page, '.partner');
    // Only the chosen code is in the page's data: each tab in turn gives its code.
    const choices: Array<{ code: string; kind: string }> = [];
    for (let i = 0; i < page.data.choices.length; i++) {
      if (i > 0) await tapOn(env, page, '.tab', i);
      choices.push({ code: page.data.code, kind: page.data.choices[i].kind });
    }
    if (choices.length > 1) await tapOn(env, page, '.tab', 0);
    expect(choices[0].kind).toBe('sealed');
    return { stored: Object.fromEntries(env.storage.store), choices, country: page.data.destination as string, rulesVerdict: text(page, '.rules-verdict') };
  }

  test('offline, it opens on the destination fetched last, its sealed code at once with age and expiry, and its rules', async () => {
    const first = await fetchedOnce();
    const kept = (first.stored['ithc.cert.dest.self'] as { entries: Array<{ country: string; seal: SealView; savedAt: number }> }).entries;
    expect(kept.map((e) => e.country)).toEqual([first.country]);
    expect(kept[0].seal.sealed![0].code).toBe(first.choices[0].code);

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(FIXED_NOW + 4 * HOUR);
    const routed = serverRequest(server.app, server.openid);
    routed.offline();
    const env = createEnv({ stored: first.stored, request: routed.request });
    const page = await env.open('pages/destination/index', { for: 'self' });
    expect(page.data.destination).toBe(first.country);
    expect(page.querySelectorAll('.partner').length).toBeGreaterThan(0);
    expect(env.canvases.at(-1)!.decode()).toBe(first.choices[0].code);
    const age = ageOfInstant('zh', kept[0].savedAt, FIXED_NOW + 4 * HOUR);
    expect(text(page, '.code-fetched')).toBe(format(zh.destFetchedAt, { age }));
    expect(text(page, '.code-validity')).toBe(format(zh.destCodeValidUntil, { date: formatInstant('zh', server.view.expiresAt) }));
    expect(text(page, '.codes-note')).toBe(format(zh.destOfflineCodes, { age }));
    expect(text(page, '.rules-verdict')).toBe(first.rulesVerdict);
    expect(page.querySelectorAll('.error-message')).toHaveLength(0);
    expect(masks(env)).toEqual([]);
    // Every code kept can still be chosen and drawn.
    await tapOn(env, page, '.tab', first.choices.length - 1);
    expect(env.canvases.at(-1)!.decode()).toBe(first.choices.at(-1)!.code);
  });

  test('kept codes read after the certificate expired say so', async () => {
    const first = await fetchedOnce();
    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(server.view.expiresAt + HOUR);
    const routed = serverRequest(server.app, server.openid);
    routed.offline();
    const env = createEnv({ stored: first.stored, request: routed.request });
    const page = await env.open('pages/destination/index', { for: 'self' });
    expect(text(page, '.code-validity')).toBe(format(zh.destCodeExpired, { date: formatInstant('zh', server.view.expiresAt) }));
    expect(page.querySelector('.code-validity')!.dom.className).toContain('tone-bad');
  });

  test('deleting the saved copies (settings) deletes the kept destination codes too', async () => {
    const first = await fetchedOnce();
    jest.resetModules();
    const routed = serverRequest(server.app, server.openid);
    const env = createEnv({ stored: first.stored, request: routed.request });
    const settings = await env.open('pages/settings/index');
    await tapOn(env, settings, '.clear-cache');
    expect([...env.storage.store.keys()].filter((k) => k.startsWith('ithc.cert.'))).toEqual([]);
  });
});

describe('what is kept is bounded', () => {
  /** The services as the pages use them (after createEnv: they reach `wx` through the adapters). */
  function services() {
    return {
      destination: require('../../miniprogram/services/destination') as typeof import('../../miniprogram/services/destination'),
      certificate: require('../../miniprogram/services/certificate') as typeof import('../../miniprogram/services/certificate'),
    };
  }

  test('at most MAX_SAVED_DESTINATIONS destinations per person, the least recently fetched dropped first', async () => {
    createEnv();
    const { destination } = services();
    const answer = await call(server.app, 'certificate', server.openid, { action: 'seal', destination: 'SG' });
    if (!answer.ok) throw new Error(answer.error.code);
    const real = answer.data as SealView;
    const countries = ['AA', 'BB', 'CC', 'DD', 'EE', 'FF', 'GG', 'HH'];
    countries.forEach((country, i) =>
      expect(destination.saveDestination(null, { ...real, destination: country }, null, server.view, FIXED_NOW + i)).not.toBeNull(),
    );
    const kept = destination.savedDestinations(null);
    expect(kept).toHaveLength(destination.MAX_SAVED_DESTINATIONS);
    expect(kept.map((e) => e.country)).toEqual([...countries].reverse().slice(0, destination.MAX_SAVED_DESTINATIONS));
    // Fetched again, a destination moves to the front rather than taking a second place.
    destination.saveDestination(null, { ...real, destination: kept.at(-1)!.country }, null, server.view, FIXED_NOW + 100);
    expect(destination.savedDestinations(null).map((e) => e.country)).toEqual([kept.at(-1)!.country, ...kept.slice(0, -1).map((e) => e.country)]);
  });

  test('an answer over the bounds is not kept, and leaves what was kept alone', async () => {
    const env = createEnv();
    const { destination, certificate } = services();
    const base: SealView = {
      destination: 'SG',
      accepts: ['ithc'],
      sealed: null,
      open: server.view.codes.ithc,
      dcc: [],
      certificateId: server.view.id,
      expiresAt: server.view.expiresAt,
    };
    expect(destination.saveDestination(null, base, null, server.view, FIXED_NOW)).not.toBeNull();
    const before = JSON.stringify([...env.storage.store]);
    const tooLong = 'HC1:' + 'A'.repeat(5000);
    expect(destination.saveDestination(null, { ...base, open: tooLong }, null, server.view, FIXED_NOW + 1)).toBeNull();
    expect(
      destination.saveDestination(null, { ...base, dcc: Array(destination.MAX_SAVED_CODES).fill(server.view.codes.ithc) }, null, server.view, FIXED_NOW + 1),
    ).toBeNull();
    expect(destination.saveDestination(null, { ...base, destination: 'sg!' }, null, server.view, FIXED_NOW + 1)).toBeNull();
    expect(JSON.stringify([...env.storage.store])).toBe(before);
    // A certificate copy over its bound is refused too.
    const huge = { ...server.view, certificate: { ...server.view.certificate, issuer: 'x'.repeat(certificate.MAX_SAVED_VIEW_CHARS) } };
    expect(certificate.writeCached(null, huge, FIXED_NOW)).toBe(false);
    expect(certificate.readCached(null)).toBeNull();
  });

  test('a kept entry that was tampered with or damaged is not shown', async () => {
    createEnv({
      stored: {
        'ithc.cert.dest.self': {
          entries: [
            {
              country: 'SG',
              seal: { destination: 'SG', accepts: ['sealed'], sealed: [{ authority: 'SG', kid: 'k', code: 'x'.repeat(5000) }], open: null, dcc: [] },
              rules: null,
              certificateId: 'c',
              expiresAt: 1,
              savedAt: 1,
            },
          ],
        },
      },
    });
    const { destination } = services();
    expect(destination.savedDestinations(null)).toEqual([]);
  });
});
