import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { decodeStages } from '../core/hcert';
import { parseCoseSign1 } from '../core/cose';
import { parseClaims } from '../core/cwt';
import { decodeLenient, toJsonValue, mapGet } from '../core/cbor';
import { fromHex } from '../core/bytes';

const S = '/work/shared/testdata/dcc-schema';
function mk(dir: string, formats: 'none' | 'fast' | 'full') {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: formats !== 'none' });
  if (formats !== 'none') addFormats(ajv, { mode: formats });
  let main: any;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('combined'))) {
    const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (/D[GC]C\.schema\.json$/.test(f)) main = j; else ajv.addSchema(j);
  }
  return ajv.compile(main);
}
const T = '/work/shared/testdata/dcc-testdata';
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/\/2DCode\/raw\/[^/]+\.json$/i.test(p)) files.push(p); } })(T);
function dccOf(j: any): { dcc: any; src: string } {
  if (j.PREFIX) { const st = decodeStages(j.PREFIX); if (st.claims?.dcc !== undefined) return { dcc: toJsonValue(st.claims.dcc), src: 'prefix' }; }
  if (j.COSE) { try { const s = parseCoseSign1(fromHex(j.COSE)); const c = parseClaims(s.payload); if (c.dcc !== undefined) return { dcc: toJsonValue(c.dcc), src: 'cose' }; } catch {} }
  if (j.CBOR) { try { const v = decodeLenient(fromHex(j.CBOR)); const h = mapGet(v, -260); const d = h !== undefined ? mapGet(h, 1) : v; return { dcc: toJsonValue(d), src: 'cbor' }; } catch {} }
  return { dcc: j.JSON, src: 'json' };
}
const out: Record<string, string[]> = {};
const variants: any = {};
for (const fm of ['none', 'fast', 'full'] as const) {
  const V: any = {}; for (const t of fs.readdirSync(S + '/tags')) V[t] = mk(S + '/tags/' + t, fm); V['1.3.3'] = mk(S, fm);
  variants[fm + '/latest'] = (d: any) => V['1.3.3'];
  variants[fm + '/ver'] = (d: any) => V[d?.ver] ?? V['1.3.3'];
  variants[fm + '/verOrLatest'] = (d: any) => [V[d?.ver] ?? V['1.3.3'], V['1.3.3']];
}
for (const f of files) {
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  const exp = j.EXPECTEDRESULTS.EXPECTEDSCHEMAVALIDATION;
  if (exp === undefined) continue;
  const { dcc, src } = dccOf(j);
  for (const [n, pick] of Object.entries<any>(variants)) {
    const vs = [pick(dcc)].flat();
    let ok = false; let errs: any = null;
    for (const v of vs) { if (v(dcc)) { ok = true; break; } errs = v.errors; }
    ok = ok && dcc && typeof dcc === 'object' && ['v', 't', 'r'].filter((k) => dcc[k] !== undefined).length === 1;
    if (ok !== exp) (out[n] ??= []).push(`${path.relative(T, f)} exp=${exp} src=${src} ver=${dcc?.ver} ${ok ? '' : JSON.stringify((errs ?? []).slice(0, 2).map((e: any) => e.instancePath + ' ' + e.message))}`);
  }
}
for (const [n, l] of Object.entries(out)) { console.log('==', n, l.length, 'nonNL', l.filter((x) => !x.startsWith('NL')).length); if (process.env.V === n) console.log(l.join('\n')); }
