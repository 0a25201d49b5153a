/** Unit tests of the web folder's path checks: every traversal spelling is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError, ForbiddenError } from './errors.js';
import { safeSegments } from './static-files.js';

test('traversal is refused plainly and percent-encoded', () => {
  for (const path of [
    '/../etc/passwd',
    '/a/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2e/etc/passwd',
    '/..%2fetc%2fpasswd',
    '/.%2e/x',
    '/%2e/x',
    '/..%5cx',
    '/..\\x',
    '/x%00.html',
  ]) {
    assert.throws(() => safeSegments(path), ForbiddenError, path);
  }
  assert.throws(() => safeSegments('/%e0%a4%a'), BadRequestError);
});

test('ordinary paths give their decoded segments', () => {
  assert.deepEqual(safeSegments('/css/site.css'), ['css', 'site.css']);
  assert.deepEqual(safeSegments('/a%20b/'), ['a b', '']);
  // A double-encoded dot-dot is a file literally named "%2e%2e", which is harmless.
  assert.deepEqual(safeSegments('/%252e%252e/x'), ['%2e%2e', 'x']);
});
