// Cloud function `ingest`, HTTP-triggered: thin entry over its own composition
// (server/cloud/compose/ingest.ts); the route lives in server/routes.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeIngest } from '../../server/cloud/compose/ingest';

export const main = cloudFunction('ingest', composeIngest);
