/**
 * Output escaping for every string a source or listener controls (titles, `ice-*` values, user
 * agents, referers): HTML text and attributes, XML text, JSON that stays inert inside HTML, and
 * links that only ever point at `http:` or `https:`. Pure: no I/O.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab, LF and CR,
 * lone surrogates and U+FFFE/U+FFFF. A title holding one would make the whole document invalid.
 */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return stripInvalid(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes text for XML element content or a quoted attribute, dropping characters XML forbids. */
export function escapeXml(value: string): string {
  return stripInvalid(value).replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML_ESCAPES[c]!));
}

/** Removes the characters neither XML nor HTML documents may contain. */
export function stripInvalid(value: string): string {
  return value.replace(XML_INVALID, '');
}

/**
 * Serialises a value as JSON that is also safe wherever a browser might treat it as HTML or
 * script: `<`, `>`, `&` and the JavaScript line separators become `\u` escapes, which every JSON
 * parser reads back unchanged.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Returns the URL in canonical form when it is an absolute `http:` or `https:` URL, else
 * undefined; callers render anything else (`javascript:`, `data:`, relative junk) as text.
 */
export function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}

/**
 * Renders a source-supplied URL for an HTML page: a link (with `rel="noopener noreferrer
 * nofollow"`) when it is http or https, otherwise the escaped text with no link at all.
 */
export function htmlLink(value: string | undefined, text?: string): string {
  const href = httpUrl(value);
  const label = escapeHtml(text ?? value ?? '');
  if (href === undefined) {
    return label;
  }
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow">${label}</a>`;
}

/** Drops line breaks and other control characters, for one-line formats (m3u, pls, text). */
export function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}
