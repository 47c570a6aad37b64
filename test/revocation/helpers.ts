/** Verifying our own codes with core, and correcting a demo record the way a lab does. */
import { createHash } from 'node:crypto';
import { fromBase64 } from '../../core/bytes';
import { validateDccSchema } from '../../core/dcc-schema';
import { readDscList } from '../../core/dsc-list';
import { decodeStages, verifyCode, type Verdict } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { HashRevocationList } from '../../core/revocation';
import { nodeCrypto } from '../../node/crypto-node';
import type { App } from '../../server/app';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { signRequest } from '../../server/ingest/signature';
import { DEMO_SOURCE_IDS, demoRecordsFor } from '../../demo/records';
import { publishDscList } from '../../server/trust/dsc-list';
import type { RevocationEntry } from '../../server/revocation/service';

export async function trustedKeys(app: App): Promise<KeyStore> {
  const list = readDscList(JSON.stringify(await publishDscList(app.keys, app.config.country, app.clock.now())));
  if (list.problems.length) throw new Error(JSON.stringify(list.problems));
  return new KeyStore(list.keys);
}

export function revocationListOf(entries: readonly RevocationEntry[]): HashRevocationList {
  const list = new HashRevocationList();
  for (const e of entries) list.add(fromBase64(e.kid), e.type, fromBase64(e.hash));
  return list;
}

export function verify(app: App, code: string, keys: KeyStore, revocation?: HashRevocationList): Promise<Verdict> {
  return verifyCode(code, { keys, now: Math.floor(app.clock.now() / 1000), crypto: nodeCrypto, validateDccSchema, revocation });
}

/** The first 16 bytes of SHA-256, base64: the EU revocation hash, computed with node:crypto. */
export function euHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest().subarray(0, 16).toString('base64');
}

/** The ECDSA signature's r (first half) of a code, read with core's decoder. */
export function signatureR(code: string): Uint8Array {
  const sig = decodeStages(code).sign1!.signature;
  return sig.subarray(0, sig.length / 2);
}

/**
 * The demo lab corrects the traveller's nucleic-acid record (same source record id, corrected
 * testing centre) through signed ingestion. Returns the ingestion summary.
 */
export async function correctDemoNaat(app: App, citizenIndex = 0) {
  const c = DEMO_CITIZENS[citizenIndex];
  const personId = app.personIds.personId(c.idNumber);
  const naat = demoRecordsFor(personId, citizenIndex, app.clock.now()).find((r) => r.kind === 'naat')!;
  if (naat.kind !== 'naat') throw new Error('no demo naat');
  // Copied into this realm's Uint8Array: under jsdom (the mini program tests) TextEncoder's is Node's.
  const body = Uint8Array.from(
    new TextEncoder().encode(
      JSON.stringify({
        records: [
          {
            kind: 'naat',
            sourceRecordId: naat.sourceRecordId,
            person: { idNumber: c.idNumber, name: c.name },
            sampledAt: naat.sampledAt,
            result: naat.result,
            centre: '北京市朝阳区疾病预防控制中心核酸检测实验室（更正）',
          },
        ],
      }),
    ),
  );
  const sourceId = DEMO_SOURCE_IDS.naatLab;
  const key = (await app.vault.unwrap('ingest-hmac', sourceId))!;
  const headers = signRequest({ method: 'POST', path: '/ingest/records', body, sourceId, key, now: app.clock.now() });
  return app.ingest.handle({ method: 'POST', path: '/ingest/records', headers: { ...headers, 'content-type': 'application/json' }, body });
}
