import { openLocalApp, seedDemo, demoTravellerFlow } from '/work/main/node/local';
import { qrMatrix } from '/work/main/core/qr';
(async () => {
  const app = await openLocalApp('/tmp/demodata1');
  await seedDemo(app);
  const v = await demoTravellerFlow(app);
  console.log(JSON.stringify(v.certificate, null, 1));
  for (const c of [v.codes.ithc, ...v.codes.dcc.map((d) => d.code)]) { const m = qrMatrix(c, 'Q'); console.log(c.length, m.version, m.size); }
  await app.store.close();
})();
