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

const FILE_TYPES: ReadonlyMap<string, string> = new Map([
  ['mp3', 'audio/mpeg'],
  ['mp2', 'audio/mpeg'],
  ['aac', 'audio/aac'],
  ['adts', 'audio/aac'],
  ['ogg', 'audio/ogg'],
  ['oga', 'audio/ogg'],
  ['opus', 'audio/ogg'],
  ['flac', 'audio/flac'],
]);

/**
 * The Content-Type of an audio file from its name's extension (case ignored), for files the
 * server plays itself (file-loop mounts, intros); `application/octet-stream` when unknown.
 */
export function contentTypeFromFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
  return FILE_TYPES.get(ext) ?? 'application/octet-stream';
}
