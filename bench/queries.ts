import { processTerm } from '../lib/search/text';
import { seededRandom } from './generator';

/** What a query looks like to the user. */
export const QUERY_KINDS = ['common1', 'rare1', 'common2', 'common+rare', 'three', 'phrase', 'prefix'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** How much of the timeline a query covers. */
export const RANGE_KINDS = ['all', 'year', 'month', 'day'] as const;
export type RangeKind = (typeof RANGE_KINDS)[number];

/** One query with one range, the unit every engine is timed on. */
export interface BenchQuery {
  kind: QueryKind;
  range: RangeKind;
  /** Lower-case words as typed (a phrase's words in order; a prefix query has one, without the `*`). */
  words: string[];
  phrase: boolean;
  prefix: boolean;
  /** The `q` parameter of our API. */
  q: string;
  /** `from`/`to` parameters (inclusive periods as the API reads them), absent for the whole timeline. */
  from?: string;
  to?: string;
  label: string;
}

/** A document the query builder may draw words and dates from. */
export interface QuerySourceDoc {
  title: string;
  text: string;
  /** ISO start date as written (`2015-12-06`, `-0043-03-15`). */
  start: string;
}

/** Documents plus the number of documents each lower-case word occurs in. */
export interface QuerySource {
  docs: readonly QuerySourceDoc[];
  docFrequency: ReadonlyMap<string, number>;
}

/**
 * Builds `perKind` queries of each kind from words of randomly drawn documents (so each query has
 * at least one hit in each of its ranges), each with the four ranges around that document's date:
 * the whole timeline, its year, its month and its day.
 */
export function buildQueries(source: QuerySource, perKind = 5, seed = 7): BenchQuery[] {
  const random = seededRandom(seed);
  const n = source.docs.length;
  const commonAt = Math.max(5, n * 0.02);
  const rareAt = Math.max(2, n * 0.0005);
  const df = (word: string) => source.docFrequency.get(word) ?? 0;
  const seeds = source.docs.filter((doc) => DAY_DATE.test(doc.start));
  const queries: BenchQuery[] = [];
  for (const kind of QUERY_KINDS) {
    const seen = new Set<string>();
    for (let made = 0, tries = 0; made < perKind && tries < 10_000; tries += 1) {
      const doc = seeds[Math.floor(random() * seeds.length)]!;
      const words = contentWords(`${doc.title} ${doc.text}`);
      const common = words.filter((word) => df(word) >= commonAt);
      const rare = words.filter((word) => df(word) <= rareAt);
      const middle = words.filter((word) => df(word) > rareAt && df(word) < commonAt);
      const pickFrom = (list: string[]) => list[Math.floor(random() * list.length)];
      let chosen: { words: string[]; phrase?: boolean; prefix?: boolean } | undefined;
      switch (kind) {
        case 'common1':
          chosen = common.length ? { words: [pickFrom(common)!] } : undefined;
          break;
        case 'rare1':
          chosen = rare.length ? { words: [pickFrom(rare)!] } : undefined;
          break;
        case 'common2': {
          const distinct = [...new Set(common)];
          if (distinct.length >= 2) {
            const first = pickFrom(distinct)!;
            chosen = { words: [first, pickFrom(distinct.filter((word) => word !== first))!] };
          }
          break;
        }
        case 'common+rare':
          chosen = common.length && rare.length ? { words: [pickFrom(common)!, pickFrom(rare)!] } : undefined;
          break;
        case 'three': {
          const distinct = [...new Set([...common, ...middle])];
          if (distinct.length >= 3) chosen = { words: shuffle(distinct, random).slice(0, 3) };
          break;
        }
        case 'phrase': {
          const pairs = adjacentPairs(doc.text).filter(([a, b]) => df(a) >= rareAt && df(b) >= rareAt);
          const pair = pairs[Math.floor(random() * pairs.length)];
          chosen = pair ? { words: pair, phrase: true } : undefined;
          break;
        }
        case 'prefix': {
          const long = [...common, ...middle].filter((word) => word.length >= 6);
          const word = pickFrom(long);
          chosen = word ? { words: [word.slice(0, 4)], prefix: true } : undefined;
          break;
        }
      }
      if (!chosen || seen.has(chosen.words.join(' '))) continue;
      seen.add(chosen.words.join(' '));
      made += 1;
      const phrase = chosen.phrase ?? false;
      const prefix = chosen.prefix ?? false;
      const q = phrase ? `"${chosen.words.join(' ')}"` : prefix ? `${chosen.words[0]}*` : chosen.words.join(' ');
      for (const range of RANGE_KINDS) {
        const period = periodOf(doc.start, range);
        queries.push({
          kind,
          range,
          words: chosen.words,
          phrase,
          prefix,
          q,
          ...(period ? { from: period, to: period } : {}),
          label: `${kind} ${q}${period ? ` [${period}]` : ''}`,
        });
      }
    }
  }
  return queries;
}

/** Counts documents per lower-case word of title and text, the way the query builder reads them. */
export function documentFrequency(docs: readonly QuerySourceDoc[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of docs) {
    for (const word of new Set(wordsOf(`${doc.title} ${doc.text}`))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

const DAY_DATE = /^-?\d{4}-\d{2}-\d{2}/;

/** The API's `from`/`to` value for a range around a date: its year, month or day. */
function periodOf(start: string, range: RangeKind): string | undefined {
  const sign = start.startsWith('-') ? 1 : 0;
  if (range === 'year') return start.slice(0, 4 + sign);
  if (range === 'month') return start.slice(0, 7 + sign);
  if (range === 'day') return start.slice(0, 10 + sign);
  return undefined;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Alphabetic words of at least 3 letters that the index keeps (not stop words). */
function contentWords(text: string): string[] {
  return wordsOf(text).filter((word) => /^[a-z]{3,}$/.test(word) && processTerm(word) !== null);
}

/** Neighbouring content words of a text, not across punctuation, as a phrase query would name them. */
function adjacentPairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const clause of text.toLowerCase().split(/[.,;:!?]/)) {
    const words = clause.split(/\s+/).filter(Boolean);
    for (let i = 0; i + 1 < words.length; i += 1) {
      const [a, b] = [words[i]!, words[i + 1]!];
      if (/^[a-z]{3,}$/.test(a) && /^[a-z]{3,}$/.test(b) && processTerm(a) && processTerm(b)) pairs.push([a, b]);
    }
  }
  return pairs;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
