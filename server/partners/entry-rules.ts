/**
 * Holder side of entry rules (certificate.rules): "does my certificate meet X's entry rules at
 * this time?" The stored certificate is read back from its own ITHC code (what a verifier would
 * read) and checked with core/rules.ts against the partner's rules; docs/entry-rules.md.
 */
import { readOwnCode } from '../../core/hcert';
import { dccRecords } from '../../core/ithc';
import { kindOfList } from '../../core/record-kinds';
import { evaluateEntryRules, type RuleBasis, type RuleOutcome, type ValidationRule } from '../../core/rules';
import { ServiceError } from '../errors';
import type { CertificateDoc } from '../issuance/service';
import type { Input } from '../validate';
import type { PartnerDoc } from './types';

export interface EntryRulesView {
  destination: string;
  /** The validation time, ISO 8601 UTC. */
  at: string;
  passed: boolean;
  hasRules: boolean;
  /** The record the results are for (the one that best meets the rules); null without rules. */
  basis: (RuleBasis & { recordId?: string }) | null;
  results: RuleOutcome[];
}

const ISO = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)?)?$/;
const DAY = 86_400_000;
/** How far ahead a traveller may ask (a trip being planned), and how far back. */
const AHEAD = 366 * DAY;
const BEHIND = 30 * DAY;

/** The validation time of a request: `at` (ISO 8601; no zone = UTC), else now. Milliseconds. */
export function readAt(input: Input, nowMs: number): number {
  const at = input.at;
  if (at === undefined || at === null || at === '') return nowMs;
  const bad = () =>
    new ServiceError('VALIDATION_FAILED', {
      fields: { at: `应为 ISO 8601 时间，且在今天前 30 天到后 366 天之间 / must be an ISO 8601 time from 30 days ago to 366 days ahead` },
      messageCode: 'server.checkMarkedFields',
    });
  if (typeof at !== 'string' || at.length > 40 || !ISO.test(at)) throw bad();
  const zoned = /T/.test(at) && !/(Z|[+-]\d\d:\d\d)$/.test(at) ? `${at}Z` : at;
  const ms = Date.parse(zoned);
  if (!Number.isFinite(ms) || ms > nowMs + AHEAD || ms < nowMs - BEHIND) throw bad();
  return ms;
}

/** Checks a certificate against a partner's rules at `atMs`. */
export function certificateEntryRules(doc: CertificateDoc, partner: PartnerDoc, atMs: number, issuerCountry: string): EntryRulesView {
  if (doc.status === 'revoked') {
    throw new ServiceError('CONFLICT', {
      messageCode: 'server.revokedCannotEnter',
    });
  }
  // Our own stored code not reading back is a bug, not the caller's problem (readOwnCode throws).
  const cert = readOwnCode(doc.codes.ithc).certificate;
  // Issuance signs one HC1 code per DCC-expressible record in dccRecords() order (server/issuance).
  const refs = dccRecords(cert);
  const dcc = doc.codes.dcc.length === refs.length ? doc.codes.dcc : [];
  const indexOf = (kind: string, index: number) => refs.findIndex((r) => kindOfList(r.list).dcc?.ruleBasis === kind && r.index === index);
  const report = evaluateEntryRules({
    certificate: { format: 'ithc', ithc: cert },
    rules: partner.rules as unknown as ValidationRule[],
    country: partner.country,
    at: atMs / 1000,
    signature: { issuedAt: doc.iat, expiresAt: doc.exp, kid: doc.kid, issuer: issuerCountry },
    uciFor: (ref) => dcc[refs.findIndex((r) => r.list === ref.list && r.index === ref.index)]?.uci,
  });
  let basis: EntryRulesView['basis'] = report.basis;
  if (report.basis && (report.basis.kind === 'test' || report.basis.kind === 'vaccination')) {
    const recordId = dcc[indexOf(report.basis.kind, report.basis.index)]?.recordId;
    if (recordId) basis = { ...report.basis, recordId };
  }
  return { destination: partner.country, at: report.at, passed: report.passed, hasRules: report.hasRules, basis, results: report.results };
}
