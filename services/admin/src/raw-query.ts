/**
 * Reads query parameters from the raw request target, percent-decoding to bytes first, so titles
 * sent in a legacy charset (as old encoders send them) are decoded as that charset instead of
 * turning into U+FFFD. Pure: no I/O.
 */

/** Longest title accepted; ICY blocks cannot carry more than 4080 bytes anyway. */
export const MAX_TITLE_CHARS = 4096;
/** Longest URL accepted with a title. */
export const MAX_URL_CHARS = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bytesOf(raw: string): Buffer {
  const text = raw.replace(/\+/g, ' ');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text.charCodeAt(i) === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/**
 * Decodes bytes in `charset` when it names one the runtime knows and the bytes fit it; else as
 * UTF-8 when they are valid UTF-8, else as Latin-1 (what such bytes nearly always are).
 */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  if (charset !== undefined && charset.trim() !== '') {
    try {
      return new TextDecoder(charset.trim(), { fatal: true }).decode(bytes);
    } catch {
      // An unknown label or bytes that do not fit it: fall through to the guess below.
    }
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** The first value of `name` in the raw target's query string, decoded; undefined when absent. */
export function rawQueryParam(target: string, name: string, charset?: string): string | undefined {
  const q = target.indexOf('?');
  if (q === -1) {
    return undefined;
  }
  const hash = target.indexOf('#', q);
  const query = target.slice(q + 1, hash === -1 ? undefined : hash);
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (decodeText(bytesOf(key), undefined) !== name) {
      continue;
    }
    return decodeText(bytesOf(eq === -1 ? '' : pair.slice(eq + 1)), charset);
  }
  return undefined;
}

/** The title of a metadata update: `song`, or `artist - title`, or whichever of them is set. */
export function titleFromQuery(target: string, charset?: string): string {
  const song = rawQueryParam(target, 'song', charset);
  const artist = rawQueryParam(target, 'artist', charset);
  const title = rawQueryParam(target, 'title', charset);
  const text = song ?? (artist && title ? `${artist} - ${title}` : (title ?? artist ?? ''));
  return text.slice(0, MAX_TITLE_CHARS);
}
