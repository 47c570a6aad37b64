import { decodePicture } from '../test/conformance/dcc-case';
import * as fs from 'fs';
for (const n of [1, 2, 3]) {
  const j = JSON.parse(fs.readFileSync(`/work/shared/testdata/dcc-testdata/LV/2DCode/raw/${n}.json`, 'utf8'));
  let t: string | null = null; try { t = decodePicture(j._2DCODE); } catch (e) { console.log('err', String(e)); }
  console.log(n, j._2DCODE.length, t === j.PREFIX, t?.slice(0, 30), j.PREFIX.slice(0, 30));
}
