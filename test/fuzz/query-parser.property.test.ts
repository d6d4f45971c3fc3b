import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuery, QUERY_LIMITS, QuerySyntaxError, type QueryNode } from '../../lib/search/query-parser';
import { analyze } from '../../lib/search/text';

/** Pieces of the query language and of the junk people paste, glued together at random. */
const piece = fc.oneof(
  fc.constantFrom('(', ')', '"', '-', ' ', '  ', 'OR', 'NOT', 'AND', '|', '||', '*', '~', '~2', ':', 'title:', 'text:', 'tag:', 'place:', 'person:'),
  fc.constantFrom('before:', 'after:', 'during:', 'url:', 'https://x.org/a', 'x-ray', '44 BC', '"June 2022"', '1990s'),
  fc.constantFrom('\u0000', '\t', '\n', '\u200f', '\u202e', 'مرحبا', 'שלום', '🚀', '👩‍👩‍👧', 'ß', 'İ', 'ǅ', '\ud800', 'é', 'e\u0301'),
  fc.stringMatching(/^[a-z]{1,9}$/),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const queryLike = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));
const anyText = fc.string({ unit: 'binary', maxLength: QUERY_LIMITS.maxLength + 20 });

describe('parseQuery (property-based)', () => {
  it.each([
    ['query-language pieces', queryLike],
    ['any code points', anyText],
  ])('answers %s with a bounded tree or a QuerySyntaxError pointing inside the input, quickly', (_, input) => {
    let slowest = 0;
    fc.assert(
      fc.property(input, (text) => {
        const started = performance.now();
        try {
          const parsed = parseQuery(text);
          if (parsed.root) {
            expect(leaves(parsed.root)).toBeLessThanOrEqual(QUERY_LIMITS.maxTerms);
            expect(textsOf(parsed.root).every((value) => value.length > 0)).toBe(true);
          }
          expect(parsed.dates.every((date) => date.value.length > 0)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(QuerySyntaxError);
          const { position, message } = error as QuerySyntaxError;
          expect(position).toBeGreaterThanOrEqual(0);
          expect(position).toBeLessThanOrEqual(text.length);
          expect(message.length).toBeGreaterThan(0);
        }
        slowest = Math.max(slowest, performance.now() - started);
      }),
      { numRuns: 500 },
    );
    // Linear in the input, which is at most 1,000 characters: well under a millisecond per query once warm;
    // the bound leaves room for a cold start on a busy machine, and would catch any backtracking blow-up.
    expect(slowest).toBeLessThan(500);
  });

  it.each([
    ['"*" alone', '*', 'needs at least 2 letters'],
    ['1,000 opening parentheses', '('.repeat(1000), 'nested more than 8 deep'],
    ['thousands of terms', 'ab '.repeat(333), 'more than 32 words'],
    ['thousands of ORs', 'ab OR '.repeat(166), 'more than 32 words'],
    ['an unterminated phrase', '"grain deal', 'unterminated quote'],
    ['a query over the length limit', 'a'.repeat(QUERY_LIMITS.maxLength + 1), 'longer than 1000 characters'],
  ])('rejects %s with a position', (_, text, message) => {
    expect(() => parseQuery(text)).toThrow(QuerySyntaxError);
    expect(() => parseQuery(text)).toThrow(message);
  });

  it.each([
    ['right-to-left text', 'مرحبا بالعالم', ['مرحبا', 'بالعالم']],
    ['a right-to-left override around a word', '\u202eevil\u202c', ['evil']],
    ['emoji among words', 'rocket 🚀 launch', ['rocket', 'launch']],
    ['null bytes between words', 'grain\u0000deal', ['grain', 'deal']],
  ])('reads %s as the plain words the index holds', (_, text, terms) => {
    const parsed = parseQuery(text);
    expect((parsed.root ? textsOf(parsed.root) : []).flatMap(analyze)).toEqual(terms);
  });
});

function leaves(node: QueryNode): number {
  if (node.type === 'and' || node.type === 'or') return node.children.reduce((sum, child) => sum + leaves(child), 0);
  if (node.type === 'not') return leaves(node.child);
  return 1;
}

function textsOf(node: QueryNode): string[] {
  if (node.type === 'and' || node.type === 'or') return node.children.flatMap(textsOf);
  if (node.type === 'not') return textsOf(node.child);
  return [node.type === 'facet' ? node.value : node.text];
}
