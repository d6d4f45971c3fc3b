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

/** Decides whether an indexed term is one the query matched (exactly, by prefix or by a typo). */
export type TermMatcher = (term: string) => boolean;

/**
 * A window of the text around its first matching word, HTML-escaped, with matching words wrapped
 * in `<mark>`; the start of the text when nothing matches in it.
 */
export function snippet(text: string, matches: TermMatcher, maxWords = SNIPPET_WORDS): string {
  const words = splitWords(text);
  if (words.length === 0) return '';
  const wordIndexes: number[] = [];
  // Analyzing a word is the costly part: each is checked once, and words past the window never.
  const matched = new Map<number, boolean>();
  const isMarked = (i: number) => {
    let found = matched.get(i);
    if (found === undefined) matched.set(i, (found = isMatch(words[i]!.text, matches)));
    return found;
  };
  let firstWord = -1;
  words.forEach((word, i) => {
    if (!word.isWord) return;
    if (firstWord < 0 && isMarked(i)) firstWord = wordIndexes.length;
    wordIndexes.push(i);
  });
  const startWord = Math.max(0, Math.max(0, firstWord) - Math.floor(maxWords / 3));
  const endWord = Math.min(wordIndexes.length, startWord + maxWords);
  const from = startWord === 0 ? 0 : wordIndexes[startWord]!;
  const to = endWord >= wordIndexes.length ? words.length : wordIndexes[endWord]!;
  let body = '';
  for (let i = from; i < to; i += 1) {
    const word = words[i]!;
    body += word.isWord && isMarked(i) ? `<mark>${escapeHtml(word.text)}</mark>` : escapeHtml(word.text);
  }
  return `${from > 0 ? '…' : ''}${body.trim()}${to < words.length ? '…' : ''}`;
}

/** The text split into words and the separators between them, so it can be put back together. */
function splitWords(text: string): { text: string; isWord: boolean }[] {
  const parts: { text: string; isWord: boolean }[] = [];
  const separator = new RegExp(WORD_SEPARATOR.source, 'gu');
  let last = 0;
  for (const match of text.matchAll(separator)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), isWord: true });
    parts.push({ text: match[0], isWord: false });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), isWord: true });
  return parts;
}

function isMatch(word: string, matches: TermMatcher): boolean {
  const term = processTerm(word);
  return term !== null && matches(term);
}
