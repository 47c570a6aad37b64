import { decodeStages } from '../core/hcert';
import { toJsonValue } from '../core/cbor';
import * as fs from 'fs';
for (const f of process.argv.slice(2)) {
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  const st = decodeStages(j.PREFIX);
  const d = toJsonValue(st.claims?.dcc) as any;
  const diff = (a: any, b: any, p: string): void => {
    if (a && b && typeof a === 'object' && typeof b === 'object') { for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], p + '/' + k); return; }
    if (a !== b) console.log(f.split('dcc-testdata/')[1], p, 'payload=', JSON.stringify(a), 'JSON=', JSON.stringify(b));
  };
  diff(d, j.JSON, '');
}
