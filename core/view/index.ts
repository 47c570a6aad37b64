/**
 * The shared view model and message catalogue (docs/architecture.md, "The view model"): what every
 * verifier surface shows of a checked code, and the words it shows it with, in six languages.
 */
export { LANGS, LANG_NAMES, LOCALE, documentLang, isLang, preferredLang, textDirection, type Lang } from './lang';
export type { Message, Params, Plural, PluralCategory } from './message';
export {
  CATALOGUE,
  errorMessage,
  fillMessage,
  format,
  isMessageCode,
  messageText,
  placeholders,
  pluralCategory,
  type MessageCode,
  type Messages,
} from './catalogue';
export {
  BEIJING_TIME,
  codedLabel,
  coded,
  formatDate,
  formatDateTime,
  formatDuration,
  msg,
  rawValue,
  renderValue,
  text,
  type CodedSet,
  type DisplayZone,
  type ParamValue,
  type Value,
} from './values';
export {
  certificateSections,
  certificateView,
  missingValue,
  signatureLines,
  trustListValue,
  trustValue,
  type CertificateView,
  type ContentContext,
  type Item,
  type Line,
  type RuleView,
  type RulesView,
  type Section,
  type SignatureFacts,
  type SourceNames,
  type VerdictView,
  type VerificationResult,
  type ViewContext,
} from './certificate';
