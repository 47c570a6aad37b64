// Cloud function `relatives`: thin entry over its own composition (server/cloud/compose/relatives.ts); the
// actions live in server/functions/relatives.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeRelatives } from '../../server/cloud/compose/relatives';

export const main = cloudFunction('relatives', composeRelatives);
