/**
 * Recognises an ID3v2 tag in front of MPEG or ADTS frames so the splitters can strip it. It
 * only measures the tag; nothing is decoded.
 */

/** Bytes of an ID3v2 tag header ("ID3", version, revision, flags, syncsafe size). */
export const ID3V2_HEADER_BYTES = 10;

/**
 * Returns the total length of the ID3v2 tag starting at `buf[pos]` (header, body and footer),
 * `null` when the bytes there are not a tag, or `undefined` when more bytes are needed to tell.
 */
export function id3v2Length(buf: Uint8Array, pos: number): number | null | undefined {
  const avail = buf.length - pos;
  const magic = [0x49, 0x44, 0x33];
  for (let i = 0; i < 3; i++) {
    if (i >= avail) {
      return undefined;
    }
    if (buf[pos + i] !== magic[i]) {
      return null;
    }
  }
  if (avail < ID3V2_HEADER_BYTES) {
    return undefined;
  }
  const version = buf[pos + 3]!;
  const revision = buf[pos + 4]!;
  const flags = buf[pos + 5]!;
  // Versions 2.2 to 2.4 exist; their low flag bits are always clear, which keeps the chance of
  // mistaking audio bytes for a tag (and skipping real audio) negligible.
  if (version < 2 || version > 4 || revision === 0xff || (flags & 0x0f) !== 0) {
    return null;
  }
  let size = 0;
  for (let i = 6; i < 10; i++) {
    const b = buf[pos + i]!;
    if (b >= 0x80) {
      return null;
    }
    size = size * 128 + b;
  }
  const footer = version === 4 && (flags & 0x10) !== 0 ? ID3V2_HEADER_BYTES : 0;
  return ID3V2_HEADER_BYTES + size + footer;
}
