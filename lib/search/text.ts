import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/** Splits like MiniSearch's default: on whitespace and punctuation, Unicode-aware. */
export const WORD_SEPARATOR = /[\n\r\p{Z}\p{P}\p{S}\p{C}]+/u;

const STOP_WORDS = new Set(eng);

/** Words of a text in order, as written (positions matter for phrases and snippets). */
export function tokenize(text: string): string[] {
  return text.split(WORD_SEPARATOR).filter(Boolean);
}

// Words repeat (a Zipf law): remembering their analysis makes indexing and phrase checks cheap.
const MEMO_LIMIT = 200_000;
const memo = new Map<string, string | null>();

/**
 * The indexed form of a word: case and accents folded, English stop words dropped
 * (so "the" costs nothing), Porter-stemmed so "missiles" finds "missile".
 */
export function processTerm(word: string): string | null {
  let term = memo.get(word);
  if (term === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    term = analyzeWord(word);
    memo.set(word, term);
  }
  return term;
}

function analyzeWord(word: string): string | null {
  const folded = word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  // Lone letters are mostly possessive or contraction debris ("Kyiv's" splits into "Kyiv" and "s").
  if (folded.length < 2 && !/\d/.test(folded)) return null;
  if (STOP_WORDS.has(folded)) return null;
  // Stemming is for alphabetic words; numbers and codes ("2022", "s-400") stay as written.
  return /^[a-z]+$/.test(folded) ? stemmer(folded) : folded;
}

/** The indexed terms of a text, in order. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const word of tokenize(text)) {
    const term = processTerm(word);
    if (term) terms.push(term);
  }
  return terms;
}
