/**
 * An article read into paragraphs and sentences, each paragraph parsed once by compromise: sentence
 * boundaries (it knows "Gen.", "U.S." and "3 p.m."), each word with its tags (for tense), and the
 * places and people named in each sentence.
 */
import nlp from 'compromise/two';
import { entitiesOf, type Named } from './entities';

/** A word of a sentence as compromise tagged it; offsets are within the sentence's text. */
export interface Word {
  start: number;
  end: number;
  /** Lower-cased, contractions expanded ("won't" gives "will"). */
  word: string;
  tags: ReadonlySet<string>;
  /** Punctuation after it ends a clause (",", ";", a dash, a quote). */
  clauseBreakAfter: boolean;
}

/** One sentence of an article. */
export interface Sentence {
  /** Position in the article, from 0. */
  index: number;
  /** Position of its paragraph, from 0. */
  paragraph: number;
  text: string;
  words: Word[];
  /** Places and people named in it, as compromise wrote them (see `distinctNames`). */
  places: string[];
  people: string[];
}

/** Longest sentence kept whole: longer runs (lists, pasted tables) are cut between words. */
export const MAX_SENTENCE_LENGTH = 2000;

/** Raw sentence as `View#json({ offset: true })` answers it. */
interface JsonSentence {
  offset: { start: number; length: number };
  terms: { text: string; normal: string; implicit?: string; post: string; tags: string[]; offset: { start: number; length: number } }[];
}

/**
 * Reads plain text into numbered sentences. A blank line ends a paragraph, and so does a line break
 * after sentence-final punctuation; other line breaks are hard wraps and read as spaces.
 */
export function readSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  paragraphsOf(text).forEach((paragraph, index) => {
    for (const sentence of readParagraph(paragraph)) sentences.push({ index: sentences.length, paragraph: index, ...sentence });
  });
  return sentences;
}

function paragraphsOf(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n|(?<=[.!?]["”’')\]]?)[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function readParagraph(paragraph: string): Omit<Sentence, 'index' | 'paragraph'>[] {
  const doc = nlp(paragraph);
  const parsed: JsonSentence[] = doc.json({ offset: true });
  const { places, people } = entitiesOf(doc);
  const spans = parsed.length ? parsed.map((s) => [s.offset.start, s.offset.start + s.offset.length] as const) : [[0, paragraph.length] as const];
  const terms = parsed.flatMap((s) => s.terms);
  return spans.flatMap(([from, to]) => cut(paragraph, from, to)).flatMap(([from, to]) => {
    const raw = paragraph.slice(from, to);
    const text = raw.trim();
    if (!text) return [];
    const start = from + raw.indexOf(text);
    const within = (offset: number) => offset >= start && offset < start + text.length;
    const names = (found: Named[]) => found.filter((n) => within(n.start)).map((n) => n.name);
    const words = terms
      .filter((t) => within(t.offset.start) || (t.offset.length === 0 && t.offset.start === start + text.length))
      .map((t) => ({
        start: t.offset.start - start,
        end: t.offset.start - start + t.offset.length,
        word: (t.implicit || t.normal || t.text).toLowerCase(),
        tags: new Set(t.tags),
        clauseBreakAfter: /[,;:()"“”—–]/.test(t.post),
      }));
    return [{ text, words, places: names(places), people: names(people) }];
  });
}

/** Cuts `[from, to)` into pieces of at most MAX_SENTENCE_LENGTH, between words when it can. */
function cut(text: string, from: number, to: number): (readonly [number, number])[] {
  const pieces: (readonly [number, number])[] = [];
  let start = from;
  while (to - start > MAX_SENTENCE_LENGTH) {
    const space = text.lastIndexOf(' ', start + MAX_SENTENCE_LENGTH);
    const at = space > start ? space : start + MAX_SENTENCE_LENGTH;
    pieces.push([start, at]);
    start = at;
  }
  pieces.push([start, to]);
  return pieces;
}
