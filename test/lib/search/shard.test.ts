import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { MINISEARCH_OPTIONS, parseShard, serializeShard, ShardReader, ShardWriter } from '../../../lib/search/shard';
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
    expect(again.docs).toEqual(data.docs);
    expect(again.lengths).toEqual(data.lengths);
    const byTerm = (d: typeof data) => Object.fromEntries(d.terms.map((term, i) => [term, d.postings[i]]));
    expect(byTerm(again)).toEqual(byTerm(data));
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
    const ours = new Map([...reader.docs].map(([short, doc]) => [short, doc.id]));
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

  it('finds terms by prefix and by edit distance', () => {
    expect(reader.withPrefix('shell').map(([term]) => term)).toContain('shell');
    expect(reader.near('shel', 1).map(([term, , distance]) => [term, distance])).toContainEqual(['shell', 1]);
    expect(reader.postings('nonexistent')).toBeUndefined();
  });
});
