import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { parseShard, serializeShard } from '../../../lib/search/segment-codec';
import { layered, MINISEARCH_OPTIONS, ShardReader, ShardWriter, type ShardData } from '../../../lib/search/shard';
import { syntheticDocs } from '../../helpers/corpus';

const docs = syntheticDocs(300, 3);

function writerOf(list = docs): ShardWriter {
  const writer = ShardWriter.from();
  for (const doc of list) writer.upsert(doc);
  return writer;
}

describe('ShardWriter', () => {
  it('survives a round trip through stored bytes unchanged', () => {
    const data = writerOf().toData();
    const again = ShardWriter.from(parseShard(serializeShard(data))).toData();
    const plain = (d: ShardData) => ({ ...d, text: d.docs.map((_, i) => d.text(i)), loadTexts: undefined, postings: [...d.postings], offsets: [...d.offsets] });
    expect(plain(again)).toEqual(plain(data));
  });

  it('replaces and removes documents, leaving no posting behind', () => {
    const writer = writerOf(docs.slice(0, 2));
    writer.upsert({ ...docs[0]!, title: 'zeppelin', text: '', tags: [], places: [], people: [] });
    writer.remove(docs[1]!.id);
    const data = writer.toData();
    expect(data.docs.map((doc) => doc.id)).toEqual([docs[0]!.id]);
    expect(data.terms).toEqual(['zeppelin']);
    expect(writer.remove('absent')).toBe(false);
  });
});

describe('ShardReader', () => {
  const reader = ShardReader.fromData(writerOf().toData());
  const mini = new MiniSearch(MINISEARCH_OPTIONS);
  mini.addAll(docs);
  const reference = mini.toJSON();

  it('holds the postings and field lengths MiniSearch computes for the same documents', () => {
    const shortIds = new Map(Object.entries(reference.documentIds).map(([short, id]) => [String(id), Number(short)]));
    const ours = new Map([...reader.docList.entries()].map(([short, doc]) => [short, doc.id]));
    for (const [term, byField] of reference.index) {
      const postings = reader.postings(term);
      expect(postings, term).toBeDefined();
      for (const [field, byDoc] of Object.entries(byField)) {
        const mine = Object.fromEntries([...postings!.get(Number(field))!].map(([short, tf]) => [shortIds.get(ours.get(short)!), tf]));
        expect(mine).toEqual(Object.fromEntries(Object.entries(byDoc).map(([short, tf]) => [Number(short), tf])));
      }
    }
    reader.avgFieldLength.forEach((average, field) => expect(average).toBeCloseTo(reference.averageFieldLength[field]!, 9));
  });

  it('decodes a document\'s text only when asked for it, once', () => {
    const data = writerOf(docs.slice(0, 20)).toData();
    const asked: number[] = [];
    const lazy = ShardReader.fromData({ ...data, text: (shortId) => (asked.push(shortId), data.text(shortId)) });
    lazy.postings('shell');
    lazy.inRange('0', '~').docs();
    lazy.facetDocs('tags', docs[0]!.tags[0]!);
    expect(lazy.avgFieldLength).toHaveLength(5);
    expect(asked).toEqual([]);
    expect(lazy.storedDoc(3)).toEqual(docs[3]);
    expect(lazy.storedDoc(3)).toEqual(docs[3]);
    expect(asked).toEqual([3]);
  });

  it('finds terms by prefix and by edit distance', () => {
    expect(reader.withPrefix('shell').map(([term]) => term)).toContain('shell');
    expect(reader.near('shel', 1).map(([term, , distance]) => [term, distance])).toContainEqual(['shell', 1]);
    expect(reader.postings('nonexistent')).toBeUndefined();
  });

  it('lists the documents overlapping a date range, long spans and earlier starts in the same year included', () => {
    const dated = (id: string, start: string, end: string) => ({ ...docs[0]!, id, startKey: `${start}T00:00:00`, endKey: `${end}T23:59:59` });
    const shard = ShardReader.fromData(
      writerOf([
        dated('day', '12022-06-21', '12022-06-21'),
        dated('year', '12022-01-01', '12022-12-31'),
        dated('span', '11990-03-01', '12030-01-31'),
        dated('before', '12022-05-01', '12022-05-31'),
        dated('after', '12022-07-01', '12022-07-01'),
        dated('old', '11990-01-01', '11990-12-31'),
      ]).toData(),
    );
    const ids = (from: string, to: string) => {
      const inRange = shard.inRange(`${from}T00:00:00`, `${to}T23:59:59`);
      const found = [...inRange.docs()].map((id) => shard.docList[id]!.id).sort();
      expect(inRange.size).toBeGreaterThanOrEqual(found.length);
      return found;
    };
    expect(ids('12022-06-01', '12022-06-30')).toEqual(['day', 'span', 'year']);
    expect(ids('12022-05-15', '12022-07-01')).toEqual(['after', 'before', 'day', 'span', 'year']);
    expect(ids('11980-01-01', '11989-12-31')).toEqual([]);
    expect(ids('11990-06-01', '11990-06-01')).toEqual(['old', 'span']);
  });

  it('finds words side by side in a field, across list items, by indexed term', () => {
    const shard = ShardReader.fromData(writerOf([{ ...docs[0]!, title: 'The shelling of Kyiv', places: ['New York', 'Kyiv'] }]).toData());
    expect(shard.sequenceCheck(['shell', 'kyiv'])(0, 'title')).toBe(true);
    expect(shard.sequenceCheck(['kyiv', 'shell'])(0, 'title')).toBe(false);
    expect(shard.sequenceCheck(['york', 'kyiv'])(0, 'places')).toBe(true);
    expect(shard.sequenceCheck(['shell', 'kyiv'])(0, 'text')).toBe(false);
    expect(shard.sequenceCheck(['shell', 'absent'])(0, 'title')).toBe(false);
  });
});

describe('segments', () => {
  const base = docs.slice(0, 10);
  const renamed = { ...base[0]!, title: 'zeppelin', text: '' };
  const added = { ...base[3]!, id: 'added', title: 'airship' };

  /** A base of ten documents, then a delta replacing one, removing another and adding a third. */
  function segments(): { baseData: ReturnType<ShardWriter['toData']>; delta: ReturnType<ShardWriter['toData']> } {
    const writer = writerOf(base);
    const baseData = writer.toData();
    writer.markBase();
    writer.upsert(renamed);
    writer.remove(base[1]!.id);
    writer.upsert(added);
    const { ids, removed } = writer.changedSinceBase();
    expect(removed).toEqual([base[1]!.id]);
    return { baseData, delta: writer.subset(ids).toData(removed) };
  }

  it('load as the shard they add up to', () => {
    const { baseData, delta } = segments();
    const merged = ShardWriter.from(parseShard(serializeShard(baseData)), parseShard(serializeShard(delta)));
    const expected = [renamed, ...base.slice(2), added];
    expect(merged.documents().sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
    // What changed since the base stays known, so deltas can later be merged into one.
    expect(merged.changedSinceBase().ids.sort()).toEqual([renamed.id, 'added'].sort());
  });

  it('hide from the older segment what a newer one replaced or removed', () => {
    const { baseData, delta } = segments();
    const [old, latest] = layered([ShardReader.fromData(baseData), ShardReader.fromData(delta)]);
    const hiddenIds = [...old!.hidden].map((shortId) => old!.docList[shortId]!.id).sort();
    expect(hiddenIds).toEqual([base[0]!.id, base[1]!.id].sort());
    expect(latest!.hidden.size).toBe(0);
    expect(old!.postings('zeppelin')).toBeUndefined();
    expect([...latest!.postings('zeppelin')!.get(0)!.keys()].map((shortId) => latest!.docList[shortId]!.id)).toEqual([renamed.id]);
  });

  it('keep a removed id that came back in the delta that brings it back', () => {
    const writer = writerOf(base);
    writer.markBase();
    writer.remove(base[2]!.id);
    writer.upsert(base[2]!);
    const { ids, removed } = writer.changedSinceBase();
    const merged = ShardWriter.from(writer.toData(), writer.subset(ids).toData(removed));
    expect(merged.get(base[2]!.id)).toEqual(base[2]);
    expect(merged.size).toBe(10);
  });
});
