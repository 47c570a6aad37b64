/**
 * UVCI (eHN "Guidelines on verifiable vaccination certificates", Annex 2): the checksum is
 * Luhn mod N over the whole identifier, N = 38 over A–Z 0–9 / :, appended after '#'. The same
 * algorithm gives the checksums of the Austrian and Danish identifiers in the EU test data.
 */

/** The UVCI as carried in the certificate: after URN:UVCI:01:, country, opaque part, '#' and the check character. */
export const UVCI_CARRIED = /^[A-Z]{2}:[A-Z0-9/]{1,50}#[A-Z0-9/:]$/;

const UVCI_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';

export function uvciCheckCharacter(body: string): string {
  let factor = 2;
  let sum = 0;
  const n = UVCI_CHARSET.length;
  for (let i = body.length - 1; i >= 0; i--) {
    const cp = UVCI_CHARSET.indexOf(body[i]);
    if (cp < 0) throw new TypeError(`UVCI character ${JSON.stringify(body[i])} is outside A-Z 0-9 / :`);
    let addend = factor * cp;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return UVCI_CHARSET[(n - (sum % n)) % n];
}

export function uvciChecksumValid(uvci: string): boolean {
  const i = uvci.lastIndexOf('#');
  if (i < 0 || i !== uvci.length - 2) return false;
  try {
    return uvciCheckCharacter(uvci.slice(0, i)) === uvci[i + 1];
  } catch {
    return false;
  }
}

/** Builds URN:UVCI:01:<country>:<opaque>#<check>. `opaque` is A–Z, 0–9 and '/', 1 to 50 characters. */
export function makeUvci(country: string, opaque: string): string {
  if (!/^[A-Z]{2}$/.test(country)) throw new TypeError('UVCI country must be ISO 3166-1 alpha-2');
  if (!/^[A-Z0-9/]{1,50}$/.test(opaque)) throw new TypeError('UVCI opaque part must be 1 to 50 of A-Z, 0-9 and /');
  const body = `URN:UVCI:01:${country}:${opaque}`;
  return `${body}#${uvciCheckCharacter(body)}`;
}
