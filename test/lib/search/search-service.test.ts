import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EventInput, spanKeys } from '../../../lib/event-schema';
import { SearchIndexer, type IndexOp } from '../../../lib/search/indexer';
import { SearchQuery } from '../../../lib/search/search-schema';
import { SearchService } from '../../../lib/search/search-service';
import { toIndexedDoc } from '../../../lib/search/shard';
import { ShardStore, type Manifest } from '../../../lib/search/shard-store';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';

const client = testClient();
const { INDEX_TABLE_NAME } = testConfig();
afterAll(() => client.destroy());
afterEach(() => vi.useRealTimers());

/** The real store, counting manifest reads and able to hold their answers back. */
class GatedStore extends ShardStore {
  reads = 0;
  lastRead: Promise<unknown> = Promise.resolve();
  private gate?: Promise<void>;

  /** Holds back the answers of reads begun from now on; the returned function lets them through. */
  hold(): () => void {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.gate = gate;
    return () => {
      open();
      if (this.gate === gate) this.gate = undefined;
    };
  }

  /** Reads begun from now on answer at once; those held stay held. */
  stopHolding(): void {
    this.gate = undefined;
  }

  override async getManifest(timeline: string, consistent?: boolean): Promise<Manifest | undefined> {
    this.reads += 1;
    const gate = this.gate;
    const read = super.getManifest(timeline, consistent).then(async (manifest) => {
      await gate;
      return manifest;
    });
    this.lastRead = read;
    return read;
  }
}

function upsert(id: string, title: string): IndexOp {
  const event = EventInput.parse({ id, date: '1900-07-02', title });
  return { kind: 'upsert', doc: toIndexedDoc({ ...event, id }, { ...spanKeys(event.date), rev: 1 }) };
}

/** A timeline of one event, searched once by a service with a 1 s manifest TTL on a fake clock. */
async function searchedOnce(name: string) {
  vi.useFakeTimers({ toFake: ['performance'] });
  const timeline = uniqueTimeline(name);
  const writer = new SearchIndexer(new ShardStore(client, INDEX_TABLE_NAME));
  const store = new GatedStore(client, INDEX_TABLE_NAME);
  const service = new SearchService(store, undefined, { manifestTtlMs: 1000 });
  const total = async (q: string) => (await service.search(timeline, SearchQuery.parse({ q }))).total;
  await writer.apply(timeline, [upsert('a', 'airship')]);
  expect(await total('airship')).toBe(1);
  const add = (id: string, title: string) => writer.apply(timeline, [upsert(id, title)]);
  return { store, total, add };
}

describe('SearchService', () => {
  describe('manifest reuse', () => {
    it('answers from its copy in the second half of the TTL while it reads the next one, and waits for a read past the TTL', async () => {
      const { add, store, total } = await searchedOnce('ttl');
      await add('b', 'balloon');

      vi.advanceTimersByTime(400);
      expect(await total('balloon')).toBe(0);
      expect(store.reads).toBe(1);

      // Past half the TTL: the copy answers at once, however long the read it starts takes.
      vi.advanceTimersByTime(200);
      let release = store.hold();
      expect(await total('balloon')).toBe(0);
      expect(store.reads).toBe(2);
      release();
      await store.lastRead;
      // The service takes the read's answer a few microtasks later.
      await new Promise((wake) => setTimeout(wake, 0));
      expect(await total('balloon')).toBe(1);
      expect(store.reads).toBe(2);

      // Past the TTL the copy is too old to answer: the search waits for the read.
      vi.advanceTimersByTime(1500);
      release = store.hold();
      let answered = false;
      const waiting = total('balloon').then((n) => ((answered = true), n));
      await new Promise((wake) => setTimeout(wake, 100));
      expect(answered).toBe(false);
      release();
      expect(await waiting).toBe(1);
      expect(store.reads).toBe(3);
    });

    it('does not share a read begun a TTL ago or more, as a Lambda frozen between invocations resumes one', async () => {
      const { add, store, total } = await searchedOnce('frozen');

      vi.advanceTimersByTime(600);
      const releaseFrozen = store.hold();
      expect(await total('balloon')).toBe(0);
      store.stopHolding();
      await add('b', 'balloon');

      vi.advanceTimersByTime(1500);
      expect(await total('balloon')).toBe(1);
      expect(store.reads).toBe(3);
      releaseFrozen();
    });
  });
});
