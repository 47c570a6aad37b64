import { listCaseFiles, loadCase, decodePicture, evaluateCase } from '../test/conformance/dcc-case';
import { nobleCrypto } from '../core/crypto/noble';
import { webCrypto } from '../core/crypto/webcrypto';
import { nodeCrypto } from '../node/crypto-node';
const cases = listCaseFiles("/work/shared/testdata/dcc-testdata").map(loadCase);
let t = Date.now();
for (const c of cases) { const p = c.raw['2DCODE'] ?? c.raw._2DCODE; if (p) try { decodePicture(p); } catch (e) { console.log(c.id, String(e)); } }
console.log('pictures', Date.now() - t);
(async () => {
  for (const [n, prov] of [['node', nodeCrypto], ['noble', nobleCrypto], ['web', webCrypto(globalThis.crypto.subtle)]] as const) {
    t = Date.now();
    for (const c of cases) { const e = { ...c, expected: { VERIFY: true } as any }; await evaluateCase(e, { node: prov, noble: prov, webcrypto: prov } as any); }
    console.log(n, Date.now() - t);
  }
})();
