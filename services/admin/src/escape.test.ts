/** Unit tests of output escaping: HTML, XML (with characters XML forbids), inert JSON, links. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, escapeXml, htmlLink, httpUrl, oneLine, safeJson } from './escape.js';

test('HTML and XML escaping covers markup, quotes and forbidden characters', () => {
  assert.equal(
    escapeHtml(`<a href="x" onclick='y'>&</a>`),
    '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
  assert.equal(escapeXml(`a<b>"c"'d'&`), 'a&lt;b&gt;&quot;c&quot;&apos;d&apos;&amp;');
  assert.equal(
    escapeXml('ok\u0000\u0007\u000b\ufffe\ud800!\ud83d\ude00\t\n'),
    'ok!\ud83d\ude00\t\n',
  );
});

test('JSON stays valid and inert inside HTML', () => {
  const text = safeJson({ t: '</script><!-- \u2028 & "q"' });
  assert.ok(!/[<>&\u2028]/.test(text));
  assert.deepEqual(JSON.parse(text), { t: '</script><!-- \u2028 & "q"' });
});

test('only http and https URLs become links', () => {
  assert.equal(httpUrl('javascript:alert(1)'), undefined);
  assert.equal(httpUrl(' JAVASCRIPT:alert(1)'), undefined);
  assert.equal(httpUrl('data:text/html,<b>'), undefined);
  assert.equal(httpUrl('//evil.example/x'), undefined);
  assert.equal(httpUrl('https://ok.example/a b'), 'https://ok.example/a%20b');
  assert.equal(htmlLink('javascript:alert(1)'), 'javascript:alert(1)');
  assert.equal(
    htmlLink('http://x.example/?a=1&b="2"'),
    '<a href="http://x.example/?a=1&amp;b=%222%22" rel="noopener noreferrer nofollow">http://x.example/?a=1&amp;b=&quot;2&quot;</a>',
  );
  assert.equal(oneLine('a\r\nFile2=http://evil\u2028b'), 'a File2=http://evil b');
});
