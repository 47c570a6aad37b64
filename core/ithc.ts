/**
 * The comprehensive ITHC certificate (docs/ithc-certificate.md), one import for its users: the
 * model and bounds (ithc-model.ts), the CBOR form's fields (ithc-fields.ts) and their kinds
 * (ithc-kinds.ts), reading and writing (ithc-codec.ts), the EU DCC mapping (ithc-dcc.ts) and the
 * UVCI (uvci.ts).
 */
export * from './ithc-model';
export { ITHC_KEYS } from './ithc-fields';
export { checkDate } from './ithc-kinds';
export * from './ithc-codec';
export * from './ithc-dcc';
export * from './uvci';
