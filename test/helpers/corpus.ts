import { sortKey } from '../../lib/dates';
import type { IndexedDoc } from '../../lib/search/shard';

/** A small deterministic pseudo-random generator, so generated corpora are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY = (
  'army attack border bridge city ceasefire convoy drone embassy election factory farmers flood frontline harbour ' +
  'hospital minister missile negotiation offensive parliament pipeline port protest railway reactor refugees river ' +
  'sanctions school shelling siege strike summit tank treaty village volunteers winter grain artillery brigade ' +
  'council court decree empire famine fortress harvest king legion merchant monastery plague revolt senate temple trade'
).split(' ');

/** Words drawn with a Zipf-like skew: a few common, a long tail of rare ones. */
export function zipfWords(random: () => number, count: number): string[] {
  return Array.from({ length: count }, () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 2.5)]!);
}

/** Indexed documents with dates from 500 BC to 2022, deterministic from the seed. */
export function syntheticDocs(count: number, seed = 1): IndexedDoc[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const year = random() < 0.7 ? 2000 + Math.floor(random() * 23) : -500 + Math.floor(random() * 2500);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const point = { year, month, day };
    return {
      id: `doc-${i}`,
      title: zipfWords(random, 3 + Math.floor(random() * 4)).join(' '),
      text: zipfWords(random, 10 + Math.floor(random() * 30)).join(' '),
      tags: [VOCABULARY[Math.floor(random() * 8)]!],
      places: random() < 0.5 ? ['Lysychansk'] : ['Kyiv', 'New York'],
      people: [],
      start: `${year}`,
      precision: 'day' as const,
      display: `${year}`,
      startKey: sortKey(point, 'start'),
      endKey: sortKey(point, 'end'),
      rev: 1,
    };
  });
}
