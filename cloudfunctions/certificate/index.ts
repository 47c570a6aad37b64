// Cloud function `certificate`: thin entry over its own composition (server/cloud/compose/certificate.ts); the
// actions live in server/functions/certificate.ts.
import { cloudFunction } from '../../server/cloud/entry';
import { composeCertificate } from '../../server/cloud/compose/certificate';

export const main = cloudFunction('certificate', composeCertificate);
