// Cloud function `trustlist`: thin entry over its own composition (server/cloud/compose/trustlist.ts); the
// actions live in server/functions/trustlist.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeTrustlist } from '../../server/cloud/compose/trustlist';

export const main = cloudFunction('trustlist', composeTrustlist);
