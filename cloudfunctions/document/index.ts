// Cloud function `document`: thin entry over its own composition (server/cloud/compose/document.ts); the
// actions live in server/functions/document.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeDocument } from '../../server/cloud/compose/document';

export const main = cloudFunction('document', composeDocument);
