/**
 * Escaping of client-controlled text written into log lines (access.log, error.log, stat.log),
 * as Apache's mod_log_config does, so no value can forge or hide a line. Pure.
 */

/** Longest field kept, in UTF-16 units; a longer user agent is cut and marked with `...`. */
export const MAX_FIELD_LENGTH = 1024;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/**
 * True for code units that must not appear raw in a log line: C0 and C1 controls, DEL, the
 * Unicode line and paragraph separators, and the bidirectional overrides that can make a
 * terminal show a line other than the one written.
 */
function isUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Escapes a value for the log as Apache's mod_log_config does: `"` and `\` get a backslash,
 * `\n` `\r` `\t` stay readable, other unsafe units become `\xHH` or `\uHHHH`, and so do lone
 * surrogates. With `unquoted`, spaces are escaped too, for the space-separated fields.
 */
export function escapeLogField(value: string, unquoted = false): string {
  const text = value.length > MAX_FIELD_LENGTH ? `${value.slice(0, MAX_FIELD_LENGTH)}...` : value;
  if (text.length === 0) {
    return '-';
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] as string;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (ch === '\n') {
      out += '\\n';
    } else if (ch === '\r') {
      out += '\\r';
    } else if (ch === '\t') {
      out += '\\t';
    } else if (unquoted && ch === ' ') {
      out += '\\x20';
    } else if (isUnsafe(code)) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (text[i + 1] as string);
        i += 1;
      } else {
        out += `\\u${hex(code, 4)}`;
      }
    } else {
      out += ch;
    }
  }
  return out;
}
