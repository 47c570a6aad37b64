// Cloud function `ingest`, HTTP-triggered (and callable): thin entry over server/routes.ts.
import { cloudFunction } from '../../server/cloud/entry';

export const main = cloudFunction('ingest');
