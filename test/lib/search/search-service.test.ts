import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EventInput, spanKeys } from '../../../lib/event-schema';
import { SearchIndexer, type IndexOp } from '../../../lib/search/indexer';
import { SearchQuery } from '../../../lib/search/search-schema';
import { SearchService } from '../../../lib/search/search-service';
import { toIndexedDoc } from '../../../lib/search/shard';
import { ShardStore, type Manifest } from '../../../lib/search/shard-store';
import { CountingStore } from '../../helpers/counting-store';
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

function upsert(id: string, title: string, date = '1900-07-02'): IndexOp {
  const event = EventInput.parse({ id, date, title });
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

  describe('texts', () => {
    /** A timeline of 40 events a year apart in shards of 4, searched by one fresh service. */
    async function spread(name: string) {
      const timeline = uniqueTimeline(name);
      const store = new CountingStore(client, INDEX_TABLE_NAME);
      const events = Array.from({ length: 40 }, (_, i) => upsert(`e${i}`, i === 7 ? 'zeppelin raid over the docks' : `harbour works ${i}`, `${1900 + i}`));
      await new SearchIndexer(store, { maxShardDocs: 4 }).apply(timeline, events);
      const segments = Object.values((await store.getManifest(timeline, true))!.shards).reduce((sum, shard) => sum + shard.segments.length, 0);
      expect(segments).toBeGreaterThan(5);
      const service = new SearchService(store);
      return { store, segments, search: (q: string) => service.search(timeline, SearchQuery.parse({ q })) };
    }

    it('reads the texts of the segments holding the hits shown, and only the index of the others', async () => {
      const { store, segments, search } = await spread('texts-hits');
      const result = await search('zeppelin');
      expect(result.hits.map((hit) => [hit.id, hit.title, hit.snippet])).toEqual([['e7', 'zeppelin raid over the docks', '']]);
      expect(result.hits[0]!.titleHtml).toBe('<mark>zeppelin</mark> raid over the docks');
      expect(store.reads).toBe(segments);
      expect(store.textReads).toBe(1);
    });

    it('reads every candidate segment’s texts for a phrase, and checks the words side by side', async () => {
      const { store, segments, search } = await spread('texts-phrase');
      expect((await search('"zeppelin raid"')).hits.map((hit) => hit.id)).toEqual(['e7']);
      expect((await search('"raid zeppelin"')).total).toBe(0);
      expect(store.textReads).toBe(segments);
    });
  });

  it('reads the manifest again when a segment’s texts vanished after its index was read', async () => {
    const timeline = uniqueTimeline('texts-stale');
    const store = new ShardStore(client, INDEX_TABLE_NAME);
    const writer = new SearchIndexer(store);
    await writer.apply(timeline, [upsert('a', 'airship')]);
    const service = new SearchService(store, undefined, { manifestTtlMs: 60_000 });
    // Loads the segment's index and keeps the manifest: no hit, so no texts read.
    expect((await service.search(timeline, SearchQuery.parse({ q: 'balloon' }))).total).toBe(0);
    // Two new events outnumber the shard's one: the indexer rewrites it and deletes the old segment.
    const before = (await store.getManifest(timeline, true))!;
    await writer.apply(timeline, [upsert('b', 'airship balloon'), upsert('c', 'airship kite')]);
    const after = (await store.getManifest(timeline, true))!;
    expect(Object.values(after.shards)[0]!.segments[0]!.id).not.toBe(Object.values(before.shards)[0]!.segments[0]!.id);

    const result = await service.search(timeline, SearchQuery.parse({ q: 'airship' }));
    expect(result.total).toBe(3);
    expect(result.hits.map((hit) => hit.title).sort()).toEqual(['airship', 'airship balloon', 'airship kite']);
  });
});
