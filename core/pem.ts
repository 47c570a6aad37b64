/**
 * PEM, the textual encoding of RFC 7468: base64 DER between "-----BEGIN <label>-----" and
 * "-----END <label>-----". Labels are passed in (certificates, PKCS#8 keys), so one reader serves
 * every kind of block.
 */

/** RFC 7468 §10: a PKCS#8 private key. */
export const PEM_PKCS8 = 'PRIVATE KEY';
/** RFC 5915: a SEC1 elliptic-curve private key, which some tools write instead of PKCS#8. */
export const PEM_SEC1 = 'EC ' + PEM_PKCS8;
/** RFC 7468 §5. */
export const PEM_CERTIFICATE = 'CERTIFICATE';

/** The line that opens a block with this label. */
export function pemBegin(label: string): string {
  return `-----BEGIN ${label}-----`;
}

/** The base64 bodies of every block with this label, in order (undecoded: callers decide what a bad body means). */
export function pemBodies(text: string, label: string): string[] {
  const re = new RegExp(`${pemBegin(label)}([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => m[1]);
}
