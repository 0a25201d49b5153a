/**
 * Unit tests of PROXY protocol v1: the line the edge writes, the parser, and the scan of a
 * connection's first bytes, fed whole and byte by byte.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxyV1Line, proxyV1Line, scanProxyV1 } from './proxy-protocol.js';

const T = { timeout: 10_000 };

test('the line names both ends, or UNKNOWN when it cannot', T, () => {
  assert.equal(
    proxyV1Line(
      { address: '::ffff:203.0.113.9', port: 40000 },
      { address: '10.0.0.2', port: 8001 },
    ),
    'PROXY TCP4 203.0.113.9 10.0.0.2 40000 8001\r\n',
  );
  assert.equal(
    proxyV1Line({ address: '2001:db8::9', port: 1 }, { address: '2001:db8::1', port: 8001 }),
    'PROXY TCP6 2001:db8::9 2001:db8::1 1 8001\r\n',
  );
  assert.equal(
    proxyV1Line({ address: '203.0.113.9', port: 1 }, { address: '2001:db8::1', port: 2 }),
    'PROXY UNKNOWN\r\n',
  );
  assert.equal(
    proxyV1Line({ address: undefined, port: 1 }, { address: '10.0.0.2', port: 2 }),
    'PROXY UNKNOWN\r\n',
  );
});

test('the parser takes valid lines and refuses anything else', T, () => {
  assert.deepEqual(parseProxyV1Line('PROXY TCP4 203.0.113.9 10.0.0.2 40000 8001'), {
    sourceAddress: '203.0.113.9',
    sourcePort: 40000,
  });
  assert.deepEqual(
    parseProxyV1Line('PROXY TCP6 2001:DB8::9 2001:db8::1 1 8001')?.sourceAddress,
    '2001:db8::9',
  );
  assert.deepEqual(parseProxyV1Line('PROXY UNKNOWN'), {});
  for (const bad of [
    'PROXY TCP4 203.0.113.9 10.0.0.2 40000',
    'PROXY TCP4 2001:db8::9 10.0.0.2 1 2',
    'PROXY TCP4 203.0.113.9 10.0.0.2 70000 1',
    'PROXY UDP4 203.0.113.9 10.0.0.2 1 2',
    'HELLO',
  ]) {
    assert.equal(parseProxyV1Line(bad), undefined, bad);
  }
});

/** Scans `text` as it grows one byte at a time and returns the first decision. */
function scanGrowing(text: string): ReturnType<typeof scanProxyV1> {
  const bytes = Buffer.from(text, 'latin1');
  for (let n = 1; n <= bytes.length; n++) {
    const scan = scanProxyV1(bytes.subarray(0, n));
    if (scan.kind !== 'more') {
      return scan;
    }
  }
  return { kind: 'more' };
}

test('the scan finds a line, a stream without one, and bad or endless lines', T, () => {
  const wire = 'PROXY TCP4 203.0.113.9 127.0.0.1 5 6\r\npassword\r\n';
  const whole = scanProxyV1(Buffer.from(wire, 'latin1'));
  assert.deepEqual(whole, {
    kind: 'header',
    header: { sourceAddress: '203.0.113.9', sourcePort: 5 },
    length: 38,
  });
  assert.deepEqual(scanGrowing(wire), whole);
  assert.deepEqual(scanProxyV1(Buffer.from('PRO', 'latin1')), { kind: 'more' });
  assert.deepEqual(scanGrowing('PROMPT-password\r\n'), { kind: 'none' });
  assert.deepEqual(scanGrowing('PROXY TCP4 nonsense\r\n'), { kind: 'invalid' });
  assert.deepEqual(scanGrowing(`PROXY ${'x'.repeat(120)}`), { kind: 'invalid' });
  assert.deepEqual(scanGrowing(`PROXY UNKNOWN${' '.repeat(100)}\r\n`), { kind: 'invalid' });
  assert.deepEqual(scanProxyV1(Buffer.from('PROXY UNKNOWN\r\n', 'latin1')), {
    kind: 'header',
    header: {},
    length: 15,
  });
});
