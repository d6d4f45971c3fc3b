import { processTerm, WORD_SEPARATOR } from './text';

/** Words around the first match shown in a snippet. */
const SNIPPET_WORDS = 30;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML, so event text can never inject markup into a highlight. */
export function escapeHtml(text: string): string {
  // Most words have nothing to escape: testing is cheaper than replacing with a callback.
  return HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (char) => ESCAPES[char]!) : text;
}

const HTML_SPECIAL = /[&<>"']/;

/** The indexed terms a query matched (exactly, by prefix or by a typo), as snippets look for them in a text. */
export class MatchedTerms {
  // Analyzing a word costs a lookup of the whole word in the analysis memo; its first letter rules out most words first.
  private readonly initials = new Set<number>();

  constructor(private readonly terms: ReadonlySet<string>) {
    for (const term of terms) this.initials.add(term.charCodeAt(0));
  }

  /** Whether a word as written is indexed as one of the terms. */
  matchesWord(word: string): boolean {
    const first = word.charCodeAt(0);
    // Folding leaves an ASCII character as it is but for case, and stemming keeps a word's first letter.
    if (first < 128 && !this.initials.has(first >= 65 && first <= 90 ? first + 32 : first)) return false;
    const term = processTerm(word);
    return term !== null && this.terms.has(term);
  }
}

/**
 * A window of the text around its first matching word, HTML-escaped, with matching words wrapped
 * in `<mark>`; the start of the text when nothing matches in it.
 */
export function snippet(text: string, matches: MatchedTerms, maxWords = SNIPPET_WORDS): string {
  const bounds = wordBounds(text);
  const count = bounds.length / 2;
  // Analyzing a word is the costly part: each is checked once, and words past the window never.
  const marked: (boolean | undefined)[] = new Array(count);
  const isMarked = (i: number) => (marked[i] ??= matches.matchesWord(text.slice(bounds[2 * i]!, bounds[2 * i + 1]!)));
  let firstWord = 0;
  while (firstWord < count && !isMarked(firstWord)) firstWord += 1;
  if (firstWord === count) firstWord = 0;
  const startWord = Math.max(0, firstWord - Math.floor(maxWords / 3));
  const endWord = Math.min(count, startWord + maxWords);
  const from = startWord === 0 ? 0 : bounds[2 * startWord]!;
  const to = endWord === count ? text.length : bounds[2 * endWord]!;
  // Escaping runs between marks at once: escaping is per character, so the result is the same.
  let body = '';
  let written = from;
  for (let i = startWord; i < endWord; i += 1) {
    if (!isMarked(i)) continue;
    const start = bounds[2 * i]!;
    const end = bounds[2 * i + 1]!;
    body += `${escapeHtml(text.slice(written, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`;
    written = end;
  }
  body += escapeHtml(text.slice(written, to));
  return `${from > 0 ? '…' : ''}${body.trim()}${to < text.length ? '…' : ''}`;
}

// Shared: wordBounds runs to the end of the text in one synchronous loop, so no other call sees its position.
const SEPARATORS = new RegExp(WORD_SEPARATOR.source, 'gu');

/** Where each word of the text starts and ends, flat: [start0, end0, start1, end1, …]. */
function wordBounds(text: string): number[] {
  const bounds: number[] = [];
  SEPARATORS.lastIndex = 0;
  let last = 0;
  for (let match = SEPARATORS.exec(text); match; match = SEPARATORS.exec(text)) {
    if (match.index > last) bounds.push(last, match.index);
    last = match.index + match[0].length;
  }
  if (last < text.length) bounds.push(last, text.length);
  return bounds;
}
