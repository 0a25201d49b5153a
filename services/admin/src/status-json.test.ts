/** Unit tests of the status JSON shape: absent, object and array `source`, strings for titles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountView } from './mount-view.js';
import type { StationSnapshot } from './station-view.js';
import { statusJson } from './status-json.js';

const station = { name: 'S', admin: 'a@b', location: 'L', host: 'h.example', port: 8000 };

function snap(titles: string[], hidden = false): StationSnapshot {
  const mounts = titles.map((title, i) =>
    mountView(
      `/m${i}`,
      {
        title,
        content_type: 'audio/mpeg',
        bitrate: '128',
        stream_start_ms: '0',
        'ice-name': '1999',
      },
      i === 0 && hidden
        ? { name: '/m0', user: 's', password: 'p', hidden: true, burstSize: 65536 }
        : undefined,
      { listeners: i, peak: i, runtimeFallback: undefined },
    ),
  );
  return { atMs: 0, serverStartMs: 0, mounts, listeners: 0, peak: 0 };
}

test('status-json keeps Icecast shape and stays valid JSON with hostile titles', () => {
  const none = JSON.parse(statusJson(snap([]), station)) as { icestats: Record<string, unknown> };
  assert.equal('source' in none.icestats, false);
  assert.equal(none.icestats['dummy'], null);
  assert.equal(none.icestats['server_start'], 'Thu, 01 Jan 1970 00:00:00 +0000');

  const one = JSON.parse(statusJson(snap(['1999']), station)) as {
    icestats: { source: Record<string, unknown> };
  };
  assert.equal(one.icestats.source['title'], '1999');
  assert.equal(one.icestats.source['server_name'], '1999');
  assert.equal(one.icestats.source['bitrate'], 128);
  assert.equal(one.icestats.source['listenurl'], 'http://h.example:8000/m0');

  const titles = ['TRUE', '5.', '"</script>\\'];
  const three = statusJson(snap(titles), station);
  assert.ok(!three.includes('</script>'));
  const parsed = JSON.parse(three) as { icestats: { source: Array<Record<string, unknown>> } };
  assert.deepEqual(
    parsed.icestats.source.map((s) => s['title']),
    titles,
  );

  const hidden = JSON.parse(statusJson(snap(['a', 'b'], true), station)) as {
    icestats: { source: unknown };
  };
  assert.ok(!Array.isArray(hidden.icestats.source), 'one visible mount left: an object');
});
