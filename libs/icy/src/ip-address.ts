/**
 * IP address text: which family a literal is (the same answer as Node's `net.isIP`, without
 * importing `node:net`) and the one spelling of a peer address used for comparisons.
 * Pure: it works on strings only.
 */

// The patterns follow Node's own `isIPv4`/`isIPv6` (lib/internal/net.js, MIT), so this module
// answers exactly as `net.isIP` does; a test checks the two against each other.
const V4_SEG = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4_STR = `(?:${V4_SEG}\\.){3}${V4_SEG}`;
const IPV4_RE = new RegExp(`^${V4_STR}$`);
const V6_SEG = '(?:[0-9a-fA-F]{1,4})';
const IPV6_RE = new RegExp(
  '^(?:' +
    `(?:${V6_SEG}:){7}(?:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){6}(?:${V4_STR}|:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){5}(?::${V4_STR}|(?::${V6_SEG}){1,2}|:)|` +
    `(?:${V6_SEG}:){4}(?:(?::${V6_SEG}){0,1}:${V4_STR}|(?::${V6_SEG}){1,3}|:)|` +
    `(?:${V6_SEG}:){3}(?:(?::${V6_SEG}){0,2}:${V4_STR}|(?::${V6_SEG}){1,4}|:)|` +
    `(?:${V6_SEG}:){2}(?:(?::${V6_SEG}){0,3}:${V4_STR}|(?::${V6_SEG}){1,5}|:)|` +
    `(?:${V6_SEG}:){1}(?:(?::${V6_SEG}){0,4}:${V4_STR}|(?::${V6_SEG}){1,6}|:)|` +
    `(?::(?:(?::${V6_SEG}){0,5}:${V4_STR}|(?::${V6_SEG}){1,7}|:))` +
    ')(?:%[0-9a-zA-Z-.:]{1,})?$',
);

/** 4 for an IPv4 literal, 6 for an IPv6 literal (a zone suffix allowed), 0 for anything else. */
export function ipVersion(address: string): 0 | 4 | 6 {
  if (IPV4_RE.test(address)) {
    return 4;
  }
  return IPV6_RE.test(address) ? 6 : 0;
}

/**
 * Normalises a peer address for comparisons: brackets and case removed, IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) written as IPv4, `''` for undefined.
 */
export function normalisePeerAddress(address: string | undefined): string {
  if (address === undefined) {
    return '';
  }
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? (mapped[1] as string) : trimmed.toLowerCase();
}
