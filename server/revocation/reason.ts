/**
 * Why a certificate ended, as its document records it (`revokedReasonCode`): the codes are
 * described in service.ts. Apart from the service, so that issuance, which writes certificates,
 * and revocation, which ends them, do not import each other.
 */
export type RevocationReasonCode = 'OPERATOR' | 'RECORDS_INVALID' | 'RECORD_CORRECTED' | 'RECORD_WITHDRAWN' | 'HOLDER_DELETED';
