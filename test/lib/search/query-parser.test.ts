import { describe, expect, it } from 'vitest';
import { parseQuery, QUERY_LIMITS, QuerySyntaxError, type QueryNode } from '../../../lib/search/query-parser';

const term = (text: string, extra: Partial<Extract<QueryNode, { type: 'term' }>> = {}): QueryNode => ({
  type: 'term',
  text,
  ...extra,
});
const phrase = (text: string): QueryNode => ({ type: 'phrase', text });
const and = (...children: QueryNode[]): QueryNode => ({ type: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ type: 'or', children });
const not = (child: QueryNode): QueryNode => ({ type: 'not', child });

function syntaxError(input: string): { message: string; position: number } {
  try {
    parseQuery(input);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { message: error.message, position: error.position };
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

/** Summarises a parse as "ok" or the error message, so pathological inputs can be compared in one table. */
function outcome(input: string): string {
  try {
    parseQuery(input);
    return 'ok';
  } catch (error) {
    return error instanceof QuerySyntaxError ? error.message : `unexpected ${String(error)}`;
  }
}

describe('query-parser', () => {
  describe('parseQuery', () => {
    it.each<[string, QueryNode]>([
      ['sarmat', term('sarmat')],
      ['Sarmat  MISSILE', and(term('Sarmat'), term('MISSILE'))],
      ['"exact \t  phrase"', phrase('exact phrase')],
      ['-word x', and(not(term('word')), term('x'))],
      ['-"a phrase" x', and(not(phrase('a phrase')), term('x'))],
      ['-(a OR b) x', and(not(or(term('a'), term('b'))), term('x'))],
      ['NOT word x', and(not(term('word')), term('x'))],
      ['x NOT(a b)', and(term('x'), not(and(term('a'), term('b'))))],
      ['NOT NOT word', term('word')],
      ['anti-aircraft x-ray', and(term('anti-aircraft'), term('x-ray'))],
      ['-x-ray y', and(not(term('x-ray')), term('y'))],
      ['a - b', and(term('a'), term('b'))],
      ['a OR b', or(term('a'), term('b'))],
      ['a|b || c', or(term('a'), term('b'), term('c'))],
      ['a b OR c', or(and(term('a'), term('b')), term('c'))],
      ['a OR b c', or(term('a'), and(term('b'), term('c')))],
      ['a AND b', and(term('a'), term('b'))],
      ['a or b and c', and(term('a'), term('or'), term('b'), term('and'), term('c'))],
      ['(a OR b) c', and(or(term('a'), term('b')), term('c'))],
      ['((a OR b) c) OR d', or(and(or(term('a'), term('b')), term('c')), term('d'))],
      ['(a b) c', and(term('a'), term('b'), term('c'))],
      ['a OR (b OR c)', or(term('a'), term('b'), term('c'))],
      ['drone*', term('drone', { prefix: true })],
      ['ab*', term('ab', { prefix: true })],
      ['word~', term('word', { fuzzy: true })],
      ['word~2', term('word', { fuzzy: true })],
      ['title:word', term('word', { field: 'title' })],
      ['Title:drone*', term('drone', { field: 'title', prefix: true })],
      ['text:word~', term('word', { field: 'text', fuzzy: true })],
      ['title:"a  phrase"', { type: 'phrase', text: 'a phrase', field: 'title' }],
      ['tag:ukraine', { type: 'facet', field: 'tag', value: 'ukraine' }],
      ['place:"  New   York "', { type: 'facet', field: 'place', value: 'New York' }],
      ['person:Zelensky', { type: 'facet', field: 'person', value: 'Zelensky' }],
      ['10:30', term('10:30')],
      ['Note: https://example.com', and(term('Note:'), term('https://example.com'))],
      ['a , . ! b ~', and(term('a'), term('b'))],
      ['"?!" a', term('a')],
      ['Київ 東京 🚀', and(term('Київ'), term('東京'))],
      ['שלום עולם', and(term('שלום'), term('עולם'))],
      ['a\u0000b\u0007c\u200fd', and(term('a'), term('b'), term('c\u200fd'))],
    ])('parses %j into the expected tree', (input, root) => {
      expect(parseQuery(input)).toStrictEqual({ root, dates: [] });
    });

    it.each<[string, QueryNode | undefined, Array<{ op: string; value: string }>]>([
      ['before:1066', undefined, [{ op: 'before', value: '1066' }]],
      ['x after:44BC', term('x'), [{ op: 'after', value: '44BC' }]],
      ['x AFTER:"44   BC"', term('x'), [{ op: 'after', value: '44 BC' }]],
      ['during:1990s x', term('x'), [{ op: 'during', value: '1990s' }]],
      ['during:"June 2022"', undefined, [{ op: 'during', value: 'June 2022' }]],
      ['(before:1990) a', term('a'), [{ op: 'before', value: '1990' }]],
      [
        'place:Lysychansk shelling after:2022-06-01 before:"30 June 2022"',
        and({ type: 'facet', field: 'place', value: 'Lysychansk' }, term('shelling')),
        [
          { op: 'after', value: '2022-06-01' },
          { op: 'before', value: '30 June 2022' },
        ],
      ],
    ])('collects the date operators of %j outside the tree', (input, root, dates) => {
      expect(parseQuery(input)).toStrictEqual(root ? { root, dates } : { dates });
    });

    it.each([[''], ['   '], ['\u0000\t\n'], [', . !'], ['AND']])('returns no root for %j', (input) => {
      expect(parseQuery(input)).toStrictEqual({ dates: [] });
    });

    it.each<[string, QueryNode]>([
      ['"Sarmat" missile -test', and(phrase('Sarmat'), term('missile'), not(term('test')))],
      ['(kyiv OR kiev) drone*', and(or(term('kyiv'), term('kiev')), term('drone', { prefix: true }))],
      ['title:Sarmat -tag:test', and(term('Sarmat', { field: 'title' }), not({ type: 'facet', field: 'tag', value: 'test' }))],
    ])('parses the realistic query %j', (input, root) => {
      expect(parseQuery(input)).toStrictEqual({ root, dates: [] });
    });

    it.each<[string, string, number]>([
      ['x "abc', 'unterminated quote starting at position 2', 2],
      ['place:"New York', 'unterminated quote starting at position 6', 6],
      ['-x', 'a query needs at least one word to match; "-x" only excludes', 0],
      ['NOT x -y', 'a query needs at least one word to match; "NOT x" only excludes', 0],
      [' -(a OR b)', 'a query needs at least one word to match; "-(a OR b)" only excludes', 1],
      ['a OR -b', 'each side of OR needs a word to match; "-b" only excludes', 5],
      ['a OR', '"OR" needs a word on both sides', 2],
      ['| a', '"|" needs a word on both sides', 0],
      ['a OR OR b', '"OR" needs a word on both sides', 2],
      ['x NOT', '"NOT" needs a word after it', 2],
      ['x -"!!"', '"-" needs a word after it', 2],
      ['(a NOT) b', '"NOT" needs a word after it', 3],
      ['a (b (c)', '"(" at position 2 is never closed', 2],
      ['(a)) b', '")" at position 3 has no matching "("', 3],
      ['a ( , )', 'empty parentheses at position 2', 2],
      ['*', '"*" needs at least 2 letters before it', 0],
      ['x **', '"*" needs at least 2 letters before it', 2],
      ['a*', '"*" needs at least 2 letters before it', 1],
      ['title:x-*', '"*" needs at least 2 letters before it', 8],
      ['x foo:bar', 'unknown field "foo": use title:, text:, tag:, place:, person:, before:, after: or during:', 2],
      ['Foo:"bar"', 'unknown field "Foo": use title:, text:, tag:, place:, person:, before:, after: or during:', 0],
      ['x before:', 'before: needs a value right after the colon', 2],
      ['after: 2000', 'after: needs a value right after the colon', 0],
      ['place:"  "', 'place: needs a value right after the colon', 0],
      ['before:2000 OR a', 'before: can only narrow the whole query, not one side of OR', 0],
      ['a OR (b during:1990s)', 'during: can only narrow the whole query, not one side of OR', 8],
      ['a -after:1990', 'after: can only narrow the whole query, not be excluded with - or NOT', 3],
      ['a NOT (b before:1990)', 'before: can only narrow the whole query, not be excluded with - or NOT', 9],
      [`${'('.repeat(9)}a${')'.repeat(9)}`, 'parentheses are nested more than 8 deep', 8],
      ['a'.repeat(1001), 'query is longer than 1000 characters', 1000],
      [Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '), 'query has more than 32 words, phrases or filters', 118],
    ])('rejects %j with the message and position shown', (input, message, position) => {
      expect(syntaxError(input)).toEqual({ message, position });
    });

    it('throws a QuerySyntaxError that is also an Error named after its class', () => {
      expect(() => parseQuery('(')).toThrow(expect.objectContaining({ name: 'QuerySyntaxError' }));
      expect(() => parseQuery('(')).toThrow(Error);
    });

    it.each([
      ['the maximum length', 'a'.repeat(QUERY_LIMITS.maxLength)],
      ['the maximum number of terms', Array.from({ length: QUERY_LIMITS.maxTerms }, (_, i) => `w${i}`).join(' ')],
      ['the maximum nesting', `${'('.repeat(QUERY_LIMITS.maxDepth)}a${')'.repeat(QUERY_LIMITS.maxDepth)}`],
      ['more sibling groups than the maximum nesting', '(a) '.repeat(QUERY_LIMITS.maxDepth + 1)],
    ])('accepts a query at %s', (_, input) => {
      expect(parseQuery(input).root).toBeDefined();
    });

    it.each<[string, string, string]>([
      ['a megabyte of text', 'x'.repeat(1_000_000), 'query is longer than 1000 characters'],
      ['a thousand opening parens', '('.repeat(1000), 'parentheses are nested more than 8 deep'],
      ['a thousand closing parens', ')'.repeat(1000), '")" at position 0 has no matching "("'],
      ['an even run of NOTs', `${'NOT '.repeat(248)}a`, 'ok'],
      ['an odd run of NOTs', `${'NOT '.repeat(249)}a`, `a query needs at least one word to match; "${'NOT '.repeat(249)}a" only excludes`],
      ['a thousand hyphens', '-'.repeat(1000), 'ok'],
      ['a thousand quotes', '"'.repeat(1000), 'ok'],
      ['a thousand stars', '*'.repeat(1000), '"*" needs at least 2 letters before it'],
      ['a thousand pipes', '|'.repeat(1000), '"' + '|'.repeat(1000) + '" needs a word on both sides'],
      ['a chain of ORs', `${'a OR '.repeat(199)}a`, 'query has more than 32 words, phrases or filters'],
      ['repeated field names', 'tag:'.repeat(250), 'ok'],
      ['null bytes', '\u0000'.repeat(1000), 'ok'],
      ['emoji', '🚀'.repeat(500), 'ok'],
      ['lone surrogates', '\ud800'.repeat(1000), 'ok'],
    ])('copes with %s', (_, input, expected) => {
      expect(outcome(input)).toBe(expected);
    });
  });
});
