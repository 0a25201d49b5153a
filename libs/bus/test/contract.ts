/**
 * The one contract suite both adapter pairs must pass: `busContract()` for `Bus` and
 * `stateContract()` for `StateStore`. Test files call these with NATS/Redis or in-memory makers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  BusClosedError,
  BusTimeoutError,
  NoRespondersError,
  Subjects,
  type Bus,
  type BusMsg,
  type ErrorHook,
} from '../src/index.js';
import { sleep, waitFor } from '@penguincast/testkit';
import { T, uniquePrefix } from './contract-util.js';

export { T, uniquePrefix } from './contract-util.js';
export { stateContract, type MakeStore, type StoreFixture } from './state-contract.js';

/** Makes a fresh bus; `onError` must be wired as the adapter's error hook. */
export type MakeBus = (opts: { onError: ErrorHook }) => Promise<Bus>;

const te = new TextEncoder();
const td = new TextDecoder();

/** Runs a test with a new bus and subjects, and always closes the bus afterwards. */
async function withBus(
  makeBus: MakeBus,
  fn: (bus: Bus, s: Subjects, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const errors: unknown[] = [];
  const bus = await makeBus({ onError: (err) => errors.push(err) });
  try {
    await fn(bus, new Subjects(uniquePrefix()), errors);
  } finally {
    await bus.close();
  }
}

/** Registers the bus contract tests under `describe(name)`. */
export function busContract(name: string, makeBus: MakeBus): void {
  describe(`Bus contract: ${name}`, () => {
    it('delivers payloads and headers byte for byte', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const got: BusMsg[] = [];
        bus.subscribe(s.audio('/live.mp3'), (m) => got.push(m));
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        const payloads = [new Uint8Array(0), all, randomBytes(64 * 1024), randomBytes(1)];
        const headers = { 'pc-session': 's1', 'Content-Type': 'audio/mpeg', 'x-utf8': 'Grüße ✓' };
        for (const p of payloads) {
          bus.publish(s.audio('/live.mp3'), p, headers);
        }
        await bus.flush();
        await waitFor(() => got.length === payloads.length);
        got.forEach((m, i) => {
          assert.equal(m.subject, s.audio('/live.mp3'));
          assert.deepEqual(Buffer.from(m.data), Buffer.from(payloads[i] as Uint8Array));
          assert.deepEqual({ ...m.headers }, headers);
          assert.equal(m.reply, undefined);
        });
      });
    });

    it('sends an empty header record when no headers were given', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const got: BusMsg[] = [];
        bus.subscribe(s.meta('/a'), (m) => got.push(m));
        bus.publish(s.meta('/a'), te.encode('x'));
        await waitFor(() => got.length === 1);
        assert.deepEqual({ ...got[0]?.headers }, {});
      });
    });

    it('matches * and > wildcards', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const audio: string[] = [];
        const everything: string[] = [];
        bus.subscribe(s.allAudio(), (m) => {
          const parsed = s.parse(m.subject);
          audio.push(parsed && 'mount' in parsed ? parsed.mount : '?');
        });
        bus.subscribe(`${s.prefix}.>`, (m) => everything.push(m.subject));
        bus.publish(s.audio('/a.mp3'), te.encode('1'));
        bus.publish(s.audio('/b c/ü.ogg'), te.encode('2'));
        bus.publish(s.meta('/a.mp3'), te.encode('3'));
        bus.publish(s.evt('listener-connect'), te.encode('4'));
        await waitFor(() => everything.length === 4);
        await bus.flush();
        assert.deepEqual(audio, ['/a.mp3', '/b c/ü.ogg']);
      });
    });

    it('keeps order per subject', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const seen: number[] = [];
        bus.subscribe(s.audio('/o'), (m) => seen.push(Number(td.decode(m.data))));
        for (let i = 0; i < 1000; i++) {
          bus.publish(s.audio('/o'), te.encode(String(i)));
        }
        await waitFor(() => seen.length === 1000);
        assert.deepEqual(
          seen,
          Array.from({ length: 1000 }, (_, i) => i),
        );
      });
    });

    it('spreads a queue group and still feeds plain subscribers', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const a: number[] = [];
        const b: number[] = [];
        const plain: number[] = [];
        bus.subscribe(s.ctl('list-clients'), (m) => a.push(m.data[0] as number), { queue: 'q' });
        bus.subscribe(s.ctl('list-clients'), (m) => b.push(m.data[0] as number), { queue: 'q' });
        bus.subscribe(s.ctl('list-clients'), (m) => plain.push(m.data[0] as number));
        await bus.flush();
        for (let i = 0; i < 100; i++) {
          bus.publish(s.ctl('list-clients'), Uint8Array.of(i));
        }
        await waitFor(() => plain.length === 100 && a.length + b.length === 100);
        assert.ok(a.length > 0 && b.length > 0, `both members used (${a.length}/${b.length})`);
        assert.deepEqual(
          [...a, ...b].sort((x, y) => x - y),
          plain,
        );
      });
    });

    it('answers requests, with headers, via msg.respond()', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        let plainRespond: boolean | undefined;
        bus.subscribe(s.burst('/m'), (m) => {
          if (m.reply === undefined) {
            plainRespond = m.respond(te.encode('nope'));
            return;
          }
          m.respond(te.encode(`re:${td.decode(m.data)}`), { 'x-who': m.headers['x-ask'] ?? '' });
        });
        await bus.flush();
        const reply = await bus.request(s.burst('/m'), te.encode('hi'), {
          timeoutMs: 2_000,
          headers: { 'x-ask': 'edge-1' },
        });
        assert.equal(td.decode(reply.data), 're:hi');
        assert.equal(reply.headers['x-who'], 'edge-1');
        bus.publish(s.burst('/m'), te.encode('not a request'));
        await waitFor(() => plainRespond !== undefined);
        assert.equal(plainRespond, false);
      });
    });

    it('times out a request nobody answers', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        bus.subscribe(s.burst('/slow'), () => {});
        await bus.flush();
        const start = Date.now();
        await assert.rejects(
          bus.request(s.burst('/slow'), te.encode('x'), { timeoutMs: 150 }),
          BusTimeoutError,
        );
        assert.ok(Date.now() - start >= 140);
      });
    });

    it('fails fast with NoRespondersError when nobody subscribes', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        const start = Date.now();
        await assert.rejects(
          bus.request(s.burst('/none'), te.encode('x'), { timeoutMs: 5_000 }),
          NoRespondersError,
        );
        assert.ok(Date.now() - start < 2_000);
      });
    });

    it('gathers replies with requestMany()', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        for (const id of ['e1', 'e2', 'e3']) {
          bus.subscribe(s.ctl('list-clients'), (m) => m.respond(te.encode(id)));
        }
        await bus.flush();
        const all = await bus.requestMany(s.ctl('list-clients'), te.encode('?'), {
          timeoutMs: 300,
        });
        assert.deepEqual(all.map((m) => td.decode(m.data)).sort(), ['e1', 'e2', 'e3']);
        const start = Date.now();
        const two = await bus.requestMany(s.ctl('list-clients'), te.encode('?'), {
          timeoutMs: 5_000,
          maxReplies: 2,
        });
        assert.equal(two.length, 2);
        assert.ok(Date.now() - start < 2_000);
        const none = await bus.requestMany(s.ctl('kill-client'), te.encode('?'), {
          timeoutMs: 300,
        });
        assert.deepEqual(none, []);
      });
    });

    it('isolates a throwing subscriber', T, async () => {
      await withBus(makeBus, async (bus, s, errors) => {
        const good: number[] = [];
        bus.subscribe(s.meta('/x'), () => {
          throw new Error('boom');
        });
        bus.subscribe(s.meta('/x'), (m) => good.push(m.data[0] as number));
        for (let i = 0; i < 5; i++) {
          bus.publish(s.meta('/x'), Uint8Array.of(i));
        }
        await waitFor(() => good.length === 5);
        assert.deepEqual(good, [0, 1, 2, 3, 4]);
        await waitFor(() => errors.length === 5);
        assert.equal((errors[0] as Error).message, 'boom');
        assert.equal(bus.state, 'connected');
      });
    });

    it('stops delivery on unsubscribe', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        let n = 0;
        const sub = bus.subscribe(s.audio('/u'), () => {
          n += 1;
        });
        bus.publish(s.audio('/u'), te.encode('1'));
        await waitFor(() => n === 1);
        sub.unsubscribe();
        sub.unsubscribe();
        bus.publish(s.audio('/u'), te.encode('2'));
        await bus.flush();
        // Nothing may arrive after the unsubscribe: give a stray delivery time to show up.
        await sleep(50);
        assert.equal(n, 1);
      });
    });

    it('rejects invalid subjects, headers and oversized payloads', T, async () => {
      await withBus(makeBus, async (bus, s) => {
        assert.throws(() => bus.publish(s.allAudio(), te.encode('x')), TypeError);
        assert.throws(() => bus.publish('a..b', te.encode('x')), TypeError);
        assert.throws(() => bus.publish('a b', te.encode('x')), TypeError);
        assert.throws(() => bus.subscribe('a.>.b', () => {}), TypeError);
        assert.throws(() => bus.publish(s.meta('/m'), te.encode('x'), { 'a:b': 'v' }), TypeError);
        assert.throws(() => bus.publish(s.meta('/m'), te.encode('x'), { k: 'a\r\nb' }), TypeError);
        assert.throws(() => bus.publish(s.meta('/m'), te.encode('x'), { k: ' padded' }), TypeError);
        const big = new Uint8Array(bus.maxPayload + 1);
        assert.throws(() => bus.publish(s.meta('/m'), big), TypeError);
      });
    });

    it('drains in-flight messages, then refuses work after close', T, async () => {
      const errors: unknown[] = [];
      const bus = await makeBus({ onError: (e) => errors.push(e) });
      const s = new Subjects(uniquePrefix());
      const statuses: string[] = [];
      bus.onStatus((e) => statuses.push(e.type));
      const got: number[] = [];
      bus.subscribe(s.audio('/d'), (m) => got.push(m.data[0] as number));
      await bus.flush();
      for (let i = 0; i < 50; i++) {
        bus.publish(s.audio('/d'), Uint8Array.of(i));
      }
      await bus.drain();
      assert.equal(got.length, 50);
      assert.equal(bus.state, 'closed');
      await waitFor(() => statuses.includes('closed'), 2_000, 'closed status');
      assert.throws(() => bus.publish(s.audio('/d'), te.encode('x')), BusClosedError);
      assert.throws(() => bus.subscribe(s.audio('/d'), () => {}), BusClosedError);
      await assert.rejects(
        bus.request(s.audio('/d'), te.encode('x'), { timeoutMs: 100 }),
        BusClosedError,
      );
      await bus.close();
      await bus.drain();
    });

    it('rejects pending requests when closed', T, async () => {
      const bus = await makeBus({ onError: () => {} });
      const s = new Subjects(uniquePrefix());
      let asked = 0;
      bus.subscribe(s.burst('/p'), () => {
        asked += 1;
      });
      await bus.flush();
      const pending = bus.request(s.burst('/p'), te.encode('x'), { timeoutMs: 5_000 });
      await waitFor(() => asked === 1, 5_000, 'the request to reach the responder');
      await bus.close();
      await assert.rejects(pending, BusClosedError);
    });
  });
}
