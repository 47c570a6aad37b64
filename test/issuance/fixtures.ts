/** A certificate holder for tests that build a certificate without an app: no registry behind it. */
import type { IssuanceSubject } from '../../server/issuance/build';

export const TEST_SUBJECT: IssuanceSubject = Object.freeze({
  personId: 'p-test',
  name: '张伟',
  birthDate: '1988-05-12',
  sex: 'male',
  nationality: 'CN',
  document: Object.freeze({ type: 'ordinary', number: 'EH4180273', issuingState: 'CN', surnameLatin: 'ZHANG', givenNameLatin: 'WEI' }),
});
