/**
 * The one lookup from a source's Content-Type to the codec whose frames PenguinCast can align,
 * like Icecast's `format_get_type`. Pure: no I/O.
 */

/** Codec families the frame splitters know; `unknown` streams pass through unframed. */
export type CodecKind = 'mp3' | 'aac' | 'ogg' | 'flac' | 'unknown';

const CODECS: ReadonlyMap<string, CodecKind> = new Map<string, CodecKind>([
  ['audio/mpeg', 'mp3'],
  ['audio/mp3', 'mp3'],
  ['audio/mpeg3', 'mp3'],
  ['audio/aac', 'aac'],
  ['audio/aacp', 'aac'],
  ['audio/x-aac', 'aac'],
  ['application/ogg', 'ogg'],
  // Icecast still accepts the pre-IANA name for backwards compatibility.
  ['application/x-ogg', 'ogg'],
  ['audio/ogg', 'ogg'],
  ['audio/opus', 'ogg'],
  ['audio/vorbis', 'ogg'],
  ['video/ogg', 'ogg'],
  ['audio/flac', 'flac'],
  ['audio/x-flac', 'flac'],
]);

/**
 * Maps a Content-Type to its codec kind, ignoring parameters (`; charset=...`), surrounding
 * whitespace and case. Missing or unlisted types give `unknown`.
 */
export function codecFromContentType(ct: string | undefined): CodecKind {
  if (ct === undefined) {
    return 'unknown';
  }
  const semi = ct.indexOf(';');
  const essence = (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
  return CODECS.get(essence) ?? 'unknown';
}
