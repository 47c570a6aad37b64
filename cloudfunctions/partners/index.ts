// Cloud function `partners`: thin entry; the actions live in server/functions/definitions.ts.
import { cloudFunction } from '../../server/cloud/entry';

export const main = cloudFunction('partners');
