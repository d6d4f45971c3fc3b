import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forEachPosting, parseShard, PostingsWriter, serializeShard } from '../../../lib/search/segment-codec';
import { ShardReader, ShardWriter, type IndexedDoc, type ShardData } from '../../../lib/search/shard';
import { analyze } from '../../../lib/search/text';
import { syntheticDocs } from '../../helpers/corpus';

// Typed arrays as plain arrays, so a mismatch shows the values and Buffer and Uint8Array compare equal; texts decoded.
const plain = (data: ShardData) => ({ ...data, text: data.docs.map((_, i) => data.text(i)), loadTexts: undefined, postings: [...data.postings], offsets: [...data.offsets] });

function writerOf(docs: readonly IndexedDoc[]): ShardWriter {
  const writer = ShardWriter.from();
  for (const doc of docs) writer.upsert(doc);
  return writer;
}

/** What a term's postings must hold, counted from the documents' text without the writer. */
function expectedPostings(docs: readonly IndexedDoc[], term: string): [number, number, number][] {
  const fields = ['title', 'text', 'tags', 'places', 'people'] as const;
  return docs.flatMap((doc, d) =>
    fields.flatMap((field, fieldId): [number, number, number][] => {
      const value = doc[field];
      const tf = analyze(Array.isArray(value) ? value.join('\n') : value).filter((found) => found === term).length;
      return tf ? [[d, fieldId, tf]] : [];
    }),
  );
}

function entries(data: ShardData, term: string): [number, number, number][] {
  const found: [number, number, number][] = [];
  forEachPosting(data, data.terms.indexOf(term), (doc, fieldId, tf) => found.push([doc, fieldId, tf]));
  return found;
}

describe('segment codec', () => {
  it('round-trips documents and terms in any script', () => {
    const [doc] = syntheticDocs(1, 7);
    const docs = [
      { ...doc!, id: 'uk', title: 'Обстріл Києва', text: 'Київ, Харків — «вибухи» 🚀 and Zürich’s café', places: ['Київ', 'São Paulo'], people: ['Влади́мир'] },
      { ...doc!, id: 'zh', title: '北京 東京', text: 'naïve façade 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', tags: ['ß', 'İstanbul'] },
    ];
    const data = writerOf(docs).toData();
    const again = parseShard(serializeShard(data));
    expect(plain(again)).toEqual(plain(data));
    expect(again.terms.some((term) => /[^\x00-\x7f]/.test(term))).toBe(true);
    const kyiv = analyze('Київ')[0]!;
    expect(entries(again, kyiv)).toEqual(expectedPostings(docs, kyiv));
    expect(entries(again, kyiv).map(([, fieldId]) => fieldId)).toEqual([1, 3]);
    const reader = ShardReader.fromData(again);
    expect(reader.storedDoc(1).text).toBe('naïve façade 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
    expect(reader.storedDoc(0)).toEqual(docs[0]);
  });

  it('round-trips a few accented letters among much ASCII, which it stores escaped', () => {
    const docs = syntheticDocs(200, 5).map((doc, i) => (i === 17 ? { ...doc, title: 'Zürich café', text: `${doc.text} naïve 🚀` } : doc));
    const data = writerOf(docs).toData();
    const bytes = serializeShard(data);
    expect(plain(parseShard(bytes))).toEqual(plain(data));
    expect(ShardReader.fromData(parseShard(bytes)).storedDoc(17)).toEqual(docs[17]);
  });

  it('round-trips an empty segment', () => {
    const data = ShardWriter.from().toData();
    const reader = ShardReader.fromData(parseShard(serializeShard(data)));
    expect(plain(parseShard(serializeShard(data)))).toEqual(plain(data));
    expect(reader.documentCount).toBe(0);
    expect(reader.postings('anything')).toBeUndefined();
    expect(reader.withPrefix('a')).toEqual([]);
  });

  it('keeps the removed ids of a delta, and a base has none', () => {
    const docs = syntheticDocs(5, 2);
    const delta = writerOf(docs.slice(0, 2)).toData(['gone-1', 'gone-2']);
    expect(parseShard(serializeShard(delta)).removed).toEqual(['gone-1', 'gone-2']);
    expect(ShardReader.fromData(parseShard(serializeShard(delta))).removedIds).toEqual(['gone-1', 'gone-2']);
    expect(parseShard(serializeShard(writerOf(docs).toData()))).not.toHaveProperty('removed');
  });

  it('keeps large term frequencies and field lengths', () => {
    const [doc] = syntheticDocs(1, 3);
    const text = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'zeppelin' : `w${i}`)).join(' ');
    const data = parseShard(serializeShard(writerOf([{ ...doc!, id: 'long', text }]).toData()));
    expect(entries(data, 'zeppelin')).toEqual([[0, 1, 10_000]]);
    expect(data.docs[0]!.fieldLength[1]).toBe(10_001);
  });

  it('encodes frequencies past 32 bits and document gaps past one byte', () => {
    const writer = new PostingsWriter();
    writer.add(3, 4, 2 ** 40);
    writer.add(3_000_000, 0, 1);
    writer.endTerm();
    writer.endTerm();
    writer.add(0, 2, 127);
    writer.endTerm();
    const data = writer.finish();
    const all = (termId: number) => {
      const found: number[][] = [];
      forEachPosting(data, termId, (...entry) => found.push(entry));
      return found;
    };
    expect([all(0), all(1), all(2)]).toEqual([[[3, 4, 2 ** 40], [3_000_000, 0, 1]], [], [[0, 2, 127]]]);
  });

  it('round-trips many documents, each posting where the text puts it', () => {
    const docs = syntheticDocs(5_000, 11);
    const data = writerOf(docs).toData();
    const again = parseShard(serializeShard(data));
    expect(plain(again)).toEqual(plain(data));
    expect(again.terms).toEqual([...again.terms].sort());
    for (const term of ['shell', 'armi', 'zeppelin', again.terms[0]!, again.terms.at(-1)!]) expect(entries(again, term), term).toEqual(expectedPostings(docs, term));
    const reader = ShardReader.fromData(again);
    expect(reader.docList.map((doc) => doc.id)).toEqual(docs.map((doc) => doc.id));
    expect(ShardWriter.from(again).documents()).toEqual(docs);
  });

  it('refuses bytes of another format', () => {
    const legacy = gzipSync(JSON.stringify({ docs: [], lengths: [], terms: [], postings: [] }));
    expect(() => parseShard({ index: legacy, texts: new Uint8Array() })).toThrow(/not a segment of format/);
    expect(() => parseShard({ index: new Uint8Array(), texts: new Uint8Array() })).toThrow(/not a segment of format/);
  });

  it('stores the texts apart, and reads them once, when first asked', async () => {
    const docs = syntheticDocs(300, 3);
    const stored = serializeShard(writerOf(docs).toData());
    expect(stored.texts.length).toBeGreaterThan(stored.index.length / 2);
    let reads = 0;
    let failNext = true;
    const data = parseShard({
      index: stored.index,
      texts: async () => {
        reads += 1;
        if (failNext) {
          failNext = false;
          throw new Error('throttled');
        }
        return stored.texts;
      },
    });
    const reader = ShardReader.fromData(data);
    expect(reader.docList.map((doc) => doc.id)).toEqual(docs.map((doc) => doc.id));
    expect(reads).toBe(0);
    expect(() => reader.storedDoc(0)).toThrow(/not read yet/);
    // A failed read is asked again, not remembered as the answer.
    await expect(reader.loadTexts()).rejects.toThrow('throttled');
    await Promise.all([reader.loadTexts(), reader.loadTexts(), reader.hiding(new Set([docs[0]!.id])).loadTexts()]);
    expect(reads).toBe(2);
    expect(reader.storedDoc(42)).toEqual(docs[42]);
  });
});
