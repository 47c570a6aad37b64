/** The issuer's settings, shared by the whole app (server/app.ts) and each cloud function's composition (server/cloud/compose/). */
export interface AppConfig {
  /** ISO 3166-1 alpha-2 of the issuing country. */
  country: string;
  /** The issuing authority as printed on certificates. */
  issuerName: string;
  /** OPENIDs with operator rights. */
  operators: readonly string[];
  /** Days a new DSC is published in the trust lists before it signs (docs/keys.md). */
  prePublicationDays: number;
}

export const DEFAULT_APP_CONFIG: AppConfig = {
  country: 'CN',
  issuerName: 'National Health Commission of the PRC',
  operators: [],
  prePublicationDays: 7,
};
