/**
 * Reads the title out of a Vorbis comment list, the tag format of Vorbis, Opus, Ogg FLAC and
 * native FLAC. Pure; it tolerates truncated input because header packets may be capped.
 */

const utf8 = new TextDecoder('utf-8');

/**
 * Returns `Artist - Title` (or whichever of the two is present) from the Vorbis comment list
 * starting at `buf[start]` (the vendor length field), or `undefined` when neither is tagged.
 * Keys compare case-insensitively and the first TITLE and ARTIST win, as Icecast does.
 */
export function titleFromComments(
  buf: Uint8Array,
  start: number,
  end = buf.length,
): string | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start;
  const u32 = (): number | undefined => {
    if (pos + 4 > end) {
      return undefined;
    }
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const vendor = u32();
  if (vendor === undefined) {
    return undefined;
  }
  pos += vendor;
  const count = u32();
  let title: string | undefined;
  let artist: string | undefined;
  for (let i = 0; count !== undefined && i < count; i++) {
    const len = u32();
    if (len === undefined || pos + len > end) {
      break;
    }
    const entry = buf.subarray(pos, pos + len);
    pos += len;
    const eq = entry.indexOf(0x3d);
    if (eq < 0) {
      continue;
    }
    const key = utf8.decode(entry.subarray(0, eq)).toUpperCase();
    if (key === 'TITLE' && title === undefined) {
      title = utf8.decode(entry.subarray(eq + 1));
    } else if (key === 'ARTIST' && artist === undefined) {
      artist = utf8.decode(entry.subarray(eq + 1));
    }
  }
  if (title && artist) {
    return `${artist} - ${title}`;
  }
  return title || artist || undefined;
}
