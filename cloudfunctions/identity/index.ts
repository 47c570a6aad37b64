// Cloud function `identity`: thin entry over its own composition (server/cloud/compose/identity.ts); the
// actions live in server/functions/identity.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeIdentity } from '../../server/cloud/compose/identity';

export const main = cloudFunction('identity', composeIdentity);
