// Cloud function `partners`: thin entry over its own composition (server/cloud/compose/partners.ts); the
// actions live in server/functions/partners.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composePartners } from '../../server/cloud/compose/partners';

export const main = cloudFunction('partners', composePartners);
