/**
 * The three checksums the splitters verify: Ogg's page CRC-32, FLAC's frame-header CRC-8 and
 * FLAC's frame-footer CRC-16. Pure table-driven functions over byte ranges, nothing else.
 */

function makeTable(bits: 8 | 16 | 32, poly: number): Uint32Array {
  const table = new Uint32Array(256);
  const top = 2 ** (bits - 1);
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  for (let i = 0; i < 256; i++) {
    // The register starts with the byte in its top eight bits, as these CRCs are not reflected.
    let r = (i * 2 ** (bits - 8)) >>> 0;
    for (let b = 0; b < 8; b++) {
      r = r >= top ? ((r * 2) ^ poly) >>> 0 : (r * 2) >>> 0;
      r = (r & mask) >>> 0;
    }
    table[i] = r;
  }
  return table;
}

/** Ogg framing CRC: polynomial 0x04c11db7, initial value 0, no reflection, no final xor. */
const OGG_CRC_POLY = 0x04c11db7;
/** FLAC frame header CRC-8: polynomial x^8 + x^2 + x + 1, initial value 0. */
const FLAC_CRC8_POLY = 0x07;
/** FLAC frame footer CRC-16: polynomial x^16 + x^15 + x^2 + 1, initial value 0. */
const FLAC_CRC16_POLY = 0x8005;

const OGG_TABLE = makeTable(32, OGG_CRC_POLY);
const CRC8_TABLE = makeTable(8, FLAC_CRC8_POLY);
const CRC16_TABLE = makeTable(16, FLAC_CRC16_POLY);

/**
 * Computes the Ogg page checksum of `buf[start, end)`, treating the four checksum bytes at
 * `start + 22` as zero, as the Ogg framing specification defines it.
 */
export function oggPageCrc(buf: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    const byte = i - start >= 22 && i - start < 26 ? 0 : buf[i]!;
    crc = ((crc << 8) ^ OGG_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/** Computes FLAC's header CRC-8 of `buf[start, end)`. */
export function crc8(buf: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = CRC8_TABLE[crc ^ buf[i]!]!;
  }
  return crc;
}

/**
 * Feeds one byte into a running FLAC CRC-16. A frame followed by its own big-endian CRC-16
 * leaves the register at zero, which is how a frame's end is recognised without a length field.
 */
export function crc16Update(crc: number, byte: number): number {
  return ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ byte) & 0xff]!) & 0xffff;
}
