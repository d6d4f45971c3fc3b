import { afterEach, describe, expect, it } from 'vitest';
import { shiftKeyByDays } from '../../../lib/date-keys';
import { IndexFullError } from '../../../lib/errors';
import { EventInput, spanKeys } from '../../../lib/event-schema';
import { ShardStore, type Manifest, type ShardMeta } from '../../../lib/search/shard-store';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';

const store = new ShardStore(testClient(), testConfig().INDEX_TABLE_NAME);
const created: string[] = [];
// Other tests list every timeline of the shared table: these large manifests go when their test ends.
afterEach(async () => {
  await Promise.all(created.splice(0).map((timeline) => store.dropIndex(timeline)));
});

const firstDay = spanKeys(EventInput.parse({ id: 'a', date: '1900-01-01', title: 'first day' }).date);

/** A manifest entry as large as a real one with one segment (about 250 bytes), one day a shard. */
function shard(i: number, segments = 1): ShardMeta {
  const segment = { id: `seg-${String(i).padStart(12, '0')}-abcdef`, count: 1450, bytes: 400_000, chunks: 1, texts: 1 };
  return {
    id: `shard-${String(i).padStart(12, '0')}`,
    lane: 'main',
    from: shiftKeyByDays(firstDay.startKey, i),
    to: shiftKeyByDays(firstDay.startKey, i + 1),
    version: 1,
    count: 1450,
    minStart: shiftKeyByDays(firstDay.startKey, i),
    maxEnd: shiftKeyByDays(firstDay.endKey, i),
    bytes: 400_000,
    segments: Array.from({ length: segments }, () => segment),
  };
}

function shards(count: number): Manifest['shards'] {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [shard(i).id, shard(i)]));
}

async function manifestWith(timeline: string, count: number): Promise<Manifest> {
  created.push(timeline);
  const manifest = { ...(await store.createManifest(timeline)), shards: shards(count) };
  await store.putManifest(manifest);
  return manifest;
}

describe('ShardStore', () => {
  describe('past DynamoDB’s 400 KB item limit', () => {
    it('names a manifest too large to store, and keeps the one stored', async () => {
      const timeline = uniqueTimeline('full');
      const stored = await manifestWith(timeline, 10);
      const error = await store.putManifest({ ...stored, shards: shards(2000) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IndexFullError);
      expect((error as IndexFullError).status).toBe(507);
      expect((error as Error).message).toContain(`timeline "${timeline}"`);
      expect((error as Error).message).toContain('2000 shards');
      expect(Object.keys((await store.getManifest(timeline, true))!.shards)).toHaveLength(10);
    });

    it('names a shard commit that would outgrow the manifest, and leaves the manifest as it was', async () => {
      const timeline = uniqueTimeline('full');
      await manifestWith(timeline, 1000);
      // A shard entry grown by thousands of segments takes the item past the limit in one commit.
      const error = await store.commitShard(timeline, shard(0), [{ ...shard(0, 3000), version: 2 }]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IndexFullError);
      expect((error as Error).message).toContain(`timeline "${timeline}"`);
      const stored = (await store.getManifest(timeline, true))!;
      expect(Object.keys(stored.shards)).toHaveLength(1000);
      expect(stored.shards[shard(0).id]).toEqual(shard(0));
    });

    it('still commits a shard that fits', async () => {
      const timeline = uniqueTimeline('full');
      await manifestWith(timeline, 1000);
      await expect(store.commitShard(timeline, shard(0), [{ ...shard(0, 2), version: 2 }])).resolves.toBe(true);
      expect((await store.getManifest(timeline, true))!.shards[shard(0).id]!.segments).toHaveLength(2);
    });
  });
});
