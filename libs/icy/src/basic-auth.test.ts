import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuthHeader, parseBasicAuth, safeEqual } from './basic-auth.js';

const b64 = (s: string, encoding: BufferEncoding = 'utf8'): string =>
  Buffer.from(s, encoding).toString('base64');

describe('parseBasicAuth', { timeout: 10_000 }, () => {
  it('decodes user and password', () => {
    assert.deepEqual(parseBasicAuth('Basic c291cmNlOmhhY2ttZQ=='), {
      user: 'source',
      password: 'hackme',
    });
  });

  it('keeps colons in the password and allows empty parts', () => {
    assert.deepEqual(parseBasicAuth(`Basic ${b64('source:a:b:c')}`), {
      user: 'source',
      password: 'a:b:c',
    });
    assert.deepEqual(parseBasicAuth(`Basic ${b64(':')}`), { user: '', password: '' });
  });

  it('accepts any scheme case, extra spaces and unpadded base64', () => {
    const token = b64('admin:pw12');
    assert.equal(token.endsWith('='), true);
    const expected = { user: 'admin', password: 'pw12' };
    assert.deepEqual(parseBasicAuth(`basic ${token}`), expected);
    assert.deepEqual(parseBasicAuth(`BASIC \t ${token} `), expected);
    assert.deepEqual(parseBasicAuth(`Basic ${token.replace(/=+$/, '')}`), expected);
  });

  it('reads UTF-8 credentials, and Latin-1 when they are not UTF-8', () => {
    assert.deepEqual(parseBasicAuth(`Basic ${b64('jürgen:pässwörd☕')}`), {
      user: 'jürgen',
      password: 'pässwörd☕',
    });
    assert.deepEqual(parseBasicAuth(`Basic ${b64('j\xfcrgen:p\xe4ss', 'latin1')}`), {
      user: 'jürgen',
      password: 'päss',
    });
  });

  it('returns undefined for anything else', () => {
    const bad = [
      undefined,
      '',
      'Basic',
      'Basic ',
      `Bearer ${b64('a:b')}`,
      `Basic${b64('a:b')}`,
      'Basic not*base64',
      'Basic YQ=a',
      'Basic YWJj=',
      'Basic Y',
      'Basic YWJjZA===',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64('user:pass\r\nX: y')}`,
      `Basic ${b64('us\x00er:pass')}`,
      `Basic ${b64('a:b')} extra`,
    ];
    for (const header of bad) {
      assert.equal(parseBasicAuth(header), undefined, JSON.stringify(header));
    }
  });
});

describe('basicAuthHeader', { timeout: 10_000 }, () => {
  it('builds a value that parseBasicAuth reads back', () => {
    assert.equal(basicAuthHeader('source', 'hackme'), 'Basic c291cmNlOmhhY2ttZQ==');
    const header = basicAuthHeader('dj', 'p:ä☕');
    assert.deepEqual(parseBasicAuth(header), { user: 'dj', password: 'p:ä☕' });
  });

  it('refuses a user with a colon', () => {
    assert.throws(() => basicAuthHeader('a:b', 'c'), TypeError);
  });
});

describe('safeEqual', { timeout: 10_000 }, () => {
  it('compares strings exactly', () => {
    assert.equal(safeEqual('hackme', 'hackme'), true);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('hackme', 'hackmE'), false);
    assert.equal(safeEqual('hackme', 'hackme '), false);
    assert.equal(safeEqual('', 'x'), false);
    assert.equal(safeEqual('é', 'e\u0301'), false);
    assert.equal(safeEqual('☕'.repeat(1000), '☕'.repeat(1000)), true);
  });
});
