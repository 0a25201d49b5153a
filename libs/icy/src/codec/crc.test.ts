/**
 * Check values of the three checksums against the published CRC catalogue entries, and the
 * zero-residue property the FLAC splitter relies on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc16Update, crc8, oggPageCrc } from './crc.js';

const check = new TextEncoder().encode('123456789');

describe('codec checksums', { timeout: 5000 }, () => {
  it('CRC-8 (poly 0x07, init 0) of "123456789" is 0xF4', () => {
    assert.equal(crc8(check, 0, check.length), 0xf4);
  });

  it('CRC-16/BUYPASS (poly 0x8005, init 0) of "123456789" is 0xFEE8', () => {
    let crc = 0;
    for (const b of check) {
      crc = crc16Update(crc, b);
    }
    assert.equal(crc, 0xfee8);
  });

  it('CRC-16 over data followed by its own big-endian CRC is zero', () => {
    let crc = 0;
    for (const b of [...check, 0xfe, 0xe8]) {
      crc = crc16Update(crc, b);
    }
    assert.equal(crc, 0);
  });

  it('Ogg CRC-32 (poly 0x04c11db7, init 0, no xor) of "123456789" is 0x89A1897F', () => {
    // The page CRC zeroes bytes 22..25 of a page, so check a buffer shorter than that.
    assert.equal(oggPageCrc(check, 0, check.length), 0x89a1897f);
  });

  it('Ogg CRC-32 ignores the checksum field itself', () => {
    const page = new Uint8Array(40).map((_, i) => i);
    const a = oggPageCrc(page, 0, page.length);
    page.fill(0xaa, 22, 26);
    assert.equal(oggPageCrc(page, 0, page.length), a);
  });
});
