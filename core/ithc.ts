/**
 * Data model B: the comprehensive ITHC certificate. (Being written: see docs/ithc-certificate.md.)
 */
import type { CborValue } from './cbor';
import type { CertificateType } from './keys';

export interface IthcCertificate {
  readonly id: string;
  readonly recordTypes: CertificateType[];
}

export function readIthc(_value: CborValue): { certificate?: IthcCertificate; problems: string[] } {
  return { problems: ['ITHC certificates are not readable yet'] };
}
