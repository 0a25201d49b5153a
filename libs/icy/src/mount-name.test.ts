import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMountNameError } from './errors.js';
import {
  MAX_MOUNT_NAME_LENGTH,
  isReservedMountName,
  isValidMountName,
  mountNameProblem,
  normaliseMountName,
} from './mount-name.js';

describe('normaliseMountName', { timeout: 10_000 }, () => {
  it('adds the leading slash and keeps valid names as they are', () => {
    assert.equal(normaliseMountName('live'), '/live');
    assert.equal(normaliseMountName('/live.mp3'), '/live.mp3');
    assert.equal(normaliseMountName('a/b-c_d.e~f'), '/a/b-c_d.e~f');
    assert.equal(normaliseMountName('/A1/..x/.hidden'), '/A1/..x/.hidden');
  });

  it('accepts exactly the maximum length, leading slash included', () => {
    const max = `/${'a'.repeat(MAX_MOUNT_NAME_LENGTH - 1)}`;
    assert.equal(normaliseMountName(max), max);
    assert.equal(normaliseMountName(max.slice(1)), max);
    assert.throws(() => normaliseMountName(`${max}b`), /longer than 255/);
    assert.throws(() => normaliseMountName('a'.repeat(MAX_MOUNT_NAME_LENGTH)), /longer than 255/);
  });

  it('throws InvalidMountNameError (400) saying what to fix', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /needs a name after/],
      ['/', /needs a name after/],
      ['/live/', /must not end with/],
      ['/a//b', /empty segment/],
      ['/../etc', /"\.\." segment/],
      ['/a/./b', /"\." segment/],
      ['/a/..', /"\.\." segment/],
      ['/a b', /contains " "/],
      ['/a?b', /contains "\?"/],
      ['/a#b', /contains "#"/],
      ['/a%2e', /contains "%"/],
      ['/a\\b', /contains "\\\\"/],
      ['/a\r\nb', /contains "\\r"/],
      ['/a\x00', /contains "\\u0000"/],
      ['/café', /contains "é"/],
    ];
    for (const [name, message] of cases) {
      assert.throws(
        () => normaliseMountName(name),
        (err: unknown) => {
          assert.ok(err instanceof InvalidMountNameError);
          assert.equal(err.httpStatus, 400);
          assert.equal(err.code, 'INVALID_MOUNT_NAME');
          assert.match(err.message, message);
          assert.match(err.message, /letters, digits|segment|end with|name after|longer/);
          return true;
        },
        JSON.stringify(name),
      );
    }
  });

  it('escapes and shortens the name in its message', () => {
    assert.throws(() => normaliseMountName('/x\r\ny'), { message: /"\/x\\r\\ny"/ });
    const long = `/${'a'.repeat(100)} `;
    assert.throws(
      () => normaliseMountName(long),
      (err: Error) => err.message.length < 200,
    );
  });
});

describe('isValidMountName and mountNameProblem', { timeout: 10_000 }, () => {
  it('checks names as they stand, without adding a slash', () => {
    assert.equal(isValidMountName('/live'), true);
    assert.equal(isValidMountName('live'), false);
    assert.equal(mountNameProblem('live'), 'must start with "/"');
    assert.equal(mountNameProblem('/live'), undefined);
  });
});

describe('isReservedMountName', { timeout: 10_000 }, () => {
  it('reserves the server pages, their folders and playlist files, whatever the case', () => {
    for (const name of [
      '/admin',
      '/admin/stats',
      '/ADMIN/metadata',
      '/admin.cgi',
      '/status-json.xsl',
      '/Status.xsl',
      '/info.html',
      '/info.json',
      '/monitor.html',
      '/monitor/events',
      '/api/v1/mounts',
      '/player',
      '/player.html',
      '/player/live.mp3',
      '/player-assets/app.js',
      '/healthz',
      '/readyz',
      '/metrics',
      '/live.mp3.m3u',
      '/live.pls',
      '/a/b.XSPF',
    ]) {
      assert.equal(isReservedMountName(name), true, name);
    }
  });

  it('leaves ordinary mounts, including look-alikes, free', () => {
    for (const name of [
      '/live.mp3',
      '/administrator.mp3',
      '/admins',
      '/api.ogg',
      '/apis/x',
      '/players.mp3',
      '/metrics.aac',
      '/m3u',
      '/live.m3u8',
      '/monitoring',
    ]) {
      assert.equal(isReservedMountName(name), false, name);
    }
  });
});
