import { gunzipSync, gzipSync } from 'node:zlib';
import type { DocText, ShardData } from './shard';

/**
 * Version of the stored segment layout. A manifest records the format its segments were written in,
 * so an index written in another one is named outdated and rebuilt instead of misread.
 */
export const SEGMENT_FORMAT = 3;

// "TSG" and the format: old or foreign bytes fail loudly instead of decoding into nonsense.
const MAGIC = Buffer.from([0x54, 0x53, 0x47, SEGMENT_FORMAT]);

/**
 * A segment as stored: its index, which every query of its range reads, and its texts, which only
 * hits and phrase checks read. They are stored apart so a cold search reads about half the bytes.
 */
export interface StoredSegment {
  index: Buffer;
  texts: Buffer;
}

/** The texts of a stored segment, or how to read them once a hit or a phrase check asks. */
export type TextSource = Uint8Array | (() => Promise<Uint8Array>);

/**
 * A segment's bytes, laid out as search engines store segments (Lucene's stored fields, term
 * dictionary and postings, in small), so loading one is a few native calls instead of a JSON parse
 * of every posting and every text. The index is the magic, then one gzip member:
 * - five varints: the byte lengths of the sections that follow;
 * - JSON of what every query reads of the documents (`ShardDoc`), and of the removed ids;
 * - per document, the byte length of its text, as varints;
 * - the term dictionary: the terms, sorted, joined by '\n' (a separator the tokenizer never keeps);
 * - per term, the byte length of its postings, as varints;
 * - the postings of every term one after another (see `PostingsWriter`).
 * The texts are one gzip member of every document's text (`DocText`) as JSON, one after another:
 * about half of a segment, inflated only once a hit or a phrase check asks for a text, and then
 * decoded one by one.
 */
export function serializeShard(data: ShardData): StoredSegment {
  const keys = Buffer.from(escapeRareNonAscii(JSON.stringify(data.removed?.length ? { docs: data.docs, removed: data.removed } : { docs: data.docs })));
  const texts = data.docs.map((_, shortId) => Buffer.from(JSON.stringify(data.text(shortId))));
  const postingLengths = Array.from(data.terms, (_, t) => data.offsets[t + 1]! - data.offsets[t]!);
  const sections = [
    keys,
    varints(texts.map((text) => text.length)),
    Buffer.from(data.terms.join('\n')),
    varints(postingLengths),
    data.postings.subarray(0, data.offsets[data.terms.length]),
  ];
  const index = gzip(Buffer.concat([varints(sections.map((section) => section.length)), ...sections]));
  return { index: Buffer.concat([MAGIC, index]), texts: gzip(Buffer.concat(texts)) };
}

/** The segment inside stored bytes; texts and postings stay encoded (texts unread, if given as a reader) until asked for. */
export function parseShard({ index, texts }: { index: Uint8Array; texts: TextSource }): ShardData {
  if (index.length < MAGIC.length || !MAGIC.equals(index.subarray(0, MAGIC.length))) throw new Error(`not a segment of format ${SEGMENT_FORMAT}`);
  const body = gunzip(Buffer.from(index.buffer, index.byteOffset + MAGIC.length, index.byteLength - MAGIC.length));
  const header = new VarintReader(body, 0);
  const sizes = Array.from({ length: 5 }, () => header.read());
  let at = header.position;
  const [keys, textLengths, terms, postingLengths, postings] = sizes.map((size) => body.subarray(at, (at += size)));
  const { docs, removed } = JSON.parse(keys!.toString('utf8')) as Pick<ShardData, 'docs' | 'removed'>;
  const termList = terms!.length ? terms!.toString('utf8').split('\n') : [];
  return {
    docs,
    ...lazyTexts(texts, prefixSums(textLengths!, docs.length)),
    terms: termList,
    postings: postings!,
    offsets: prefixSums(postingLengths!, termList.length),
    ...(removed ? { removed } : {}),
  };
}

function lazyTexts(source: TextSource, offsets: Uint32Array): Pick<ShardData, 'text' | 'loadTexts'> {
  let compressed = typeof source === 'function' ? undefined : source;
  let inflated: Buffer | undefined;
  let loading: Promise<void> | undefined;
  return {
    text: (shortId) => {
      if (!compressed) throw new Error('the texts of this segment are not read yet: await loadTexts() first');
      inflated ??= gunzip(Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength));
      return JSON.parse(inflated.toString('utf8', offsets[shortId], offsets[shortId + 1])) as DocText;
    },
    loadTexts: () => {
      if (compressed || typeof source !== 'function') return Promise.resolve();
      // A failed read is not remembered: the next search asks again (after re-reading the manifest).
      loading ??= source().then(
        (bytes) => void (compressed = bytes),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

function gzip(bytes: Uint8Array): Buffer {
  return gzipSync(bytes, { level: 6 });
}

// Names in a Latin script hold a few accented letters ("Zürich"), and one of them sends Node's
// decoding of all the documents' JSON down its slow UTF-8 path (twice the time of ASCII); escaped,
// each costs 5 bytes. Names mostly in another script stay UTF-8, where escapes would triple them.
const NON_ASCII = /[^\x00-\x7f]/g;
const MAX_ESCAPED_SHARE = 0.01;

function escapeRareNonAscii(json: string): string {
  const count = json.match(NON_ASCII)?.length ?? 0;
  if (count === 0 || count > json.length * MAX_ESCAPED_SHARE) return json;
  return json.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A gzip member ends with its uncompressed length: inflating into one buffer of that size spares
// zlib's default of 16 KiB chunks concatenated at the end (a copy of the whole segment). One byte
// more, or zlib, finding the buffer full, allocates another before it sees the end. Capped, so
// corrupt bytes cannot ask for gigabytes up front.
const MAX_INFLATE_CHUNK = 64 * 1024 * 1024;

function gunzip(compressed: Buffer): Buffer {
  const size = compressed.length >= 4 ? compressed.readUInt32LE(compressed.length - 4) : 0;
  return gunzipSync(compressed, { chunkSize: Math.min(Math.max(size + 1, 64), MAX_INFLATE_CHUNK) });
}

function varints(values: readonly number[]): Uint8Array {
  const writer = new VarintWriter();
  for (const value of values) writer.write(value);
  return writer.bytes();
}

function prefixSums(lengths: Uint8Array, count: number): Uint32Array {
  const offsets = new Uint32Array(count + 1);
  const reader = new VarintReader(lengths, 0);
  for (let t = 0; t < count; t += 1) offsets[t + 1] = offsets[t]! + reader.read();
  return offsets;
}

/**
 * Builds the postings of a segment term by term. An entry is a document's frequency in one field:
 * the document as a gap from the term's previous entry (0 for another field of the same document,
 * so a term's postings are mostly one-byte gaps), then tf * 8 + field id.
 */
export class PostingsWriter {
  private readonly out = new VarintWriter();
  private readonly offsets = [0];
  private previousDoc = 0;

  /** Adds an entry of the current term; documents in ascending order, fields ascending within one. */
  add(doc: number, fieldId: number, tf: number): void {
    this.out.write(doc - this.previousDoc);
    this.out.write(tf * 8 + fieldId);
    this.previousDoc = doc;
  }

  /** Closes the current term; the next `add` starts the following one. */
  endTerm(): void {
    this.offsets.push(this.out.length);
    this.previousDoc = 0;
  }

  /** The encoded postings and where each term's start (one more offset than terms, for the end). */
  finish(): { postings: Uint8Array; offsets: Uint32Array } {
    return { postings: this.out.bytes(), offsets: Uint32Array.from(this.offsets) };
  }
}

/** Calls back with every entry of a term's postings, in the order they were written. */
export function forEachPosting(
  { postings, offsets }: Pick<ShardData, 'postings' | 'offsets'>,
  termId: number,
  visit: (doc: number, fieldId: number, tf: number) => void,
): void {
  const reader = new VarintReader(postings, offsets[termId]!);
  const end = offsets[termId + 1]!;
  let doc = 0;
  while (reader.position < end) {
    doc += reader.read();
    const packed = reader.read();
    visit(doc, packed & 7, Math.floor(packed / 8));
  }
}

/** Unsigned LEB128, as Lucene's VInt: 7 bits a byte, low bits first, the high bit set on all but the last. */
class VarintWriter {
  private buffer = new Uint8Array(1024);
  length = 0;

  write(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
    if (this.length + 8 > this.buffer.length) this.grow();
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private grow(): void {
    const bigger = new Uint8Array(this.buffer.length * 2);
    bigger.set(this.buffer);
    this.buffer = bigger;
  }
}

class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
  ) {}

  read(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.bytes[this.position++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80);
    return value;
  }
}
