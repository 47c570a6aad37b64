// Cloud function `admin`: thin entry over its own composition (server/cloud/compose/admin.ts); the
// actions live in server/functions/admin.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeAdmin } from '../../server/cloud/compose/admin';

export const main = cloudFunction('admin', composeAdmin);
