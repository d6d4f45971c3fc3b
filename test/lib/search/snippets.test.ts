import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, MatchedTerms, snippet } from '../../../lib/search/snippets';
import { processTerm, tokenize } from '../../../lib/search/text';

/** The indexed terms of the given words, as a query for them matches them. */
const terms = (...words: string[]) => new MatchedTerms(new Set(words.map((word) => processTerm(word)!)));
const nothing = new MatchedTerms(new Set());

/** "w0 w1 … w(n-1)": numbered words, which processTerm leaves as they are. */
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

describe('snippets', () => {
  describe('escapeHtml', () => {
    it('escapes all five HTML-significant characters', () => {
      expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    });

    it.each<[string, string]>([
      ['<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
      ['Tom & Jerry', 'Tom &amp; Jerry'],
      ['&amp;', '&amp;amp;'],
      ["it's", 'it&#39;s'],
      ['plain text, – … «»', 'plain text, – … «»'],
      ['', ''],
    ])('escapes %j as %j', (text, html) => {
      expect(escapeHtml(text)).toBe(html);
    });
  });

  describe('MatchedTerms', () => {
    // Its first-letter check must never rule out a word whose term it holds.
    const words = tokenize('Éclair Über yelling Yelling YES 2022 S-400 ﬁre İstanbul Ōsaka Ærø x86 Kyiv\'s Missiles ABC ñandú 1066AD');

    it.each(words.filter((word) => processTerm(word) !== null))('finds %j among terms holding its own', (word) => {
      expect(new MatchedTerms(new Set([processTerm(word)!])).matchesWord(word)).toBe(true);
    });

    it('finds any word, in any script, among terms holding its own', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), (text) => {
          for (const word of tokenize(text)) {
            const term = processTerm(word);
            if (term !== null) expect(new MatchedTerms(new Set([term])).matchesWord(word)).toBe(true);
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('finds no word among terms that do not hold its own', () => {
      const others = new MatchedTerms(new Set(['eclair', 'uber', 'yell']));
      expect(words.filter((word) => others.matchesWord(word))).toEqual(['Éclair', 'Über', 'yelling', 'Yelling']);
    });
  });

  describe('snippet', () => {
    it('marks the words that match and leaves the others', () => {
      expect(snippet('Missile strike on the port', terms('missile'))).toBe('<mark>Missile</mark> strike on the port');
    });

    it('marks every matching word, in any inflection the stemmer joins', () => {
      expect(snippet('Missiles fell; one missile was shot down.', terms('missile'))).toBe(
        '<mark>Missiles</mark> fell; one <mark>missile</mark> was shot down.',
      );
    });

    it('marks whole words only, never part of a longer word', () => {
      expect(snippet('Sarmatian tombs, not a Sarmat launch', terms('sarmat'))).toBe('Sarmatian tombs, not a <mark>Sarmat</mark> launch');
    });

    it('marks words whatever their case and accents', () => {
      expect(snippet('ERDOĞAN met Erdogan', terms('erdogan'))).toBe('<mark>ERDOĞAN</mark> met <mark>Erdogan</mark>');
    });

    it('never marks a stop word, even when the terms hold it as written', () => {
      expect(snippet('the missile', new MatchedTerms(new Set(['the', processTerm('missile')!])))).toBe('the <mark>missile</mark>');
    });

    it('marks every word the terms hold, so prefix and typo matches are marked too', () => {
      expect(snippet('drones and droids', new MatchedTerms(new Set(['drone', 'droid'])))).toBe('<mark>drones</mark> and <mark>droids</mark>');
    });

    it('escapes markup in the text so it cannot inject HTML', () => {
      expect(snippet('<script>alert("missile")</script> & <b>bold</b>', terms('missile'))).toBe(
        '&lt;script&gt;alert(&quot;<mark>missile</mark>&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;',
      );
    });

    it('escapes a matching word that sits inside markup without breaking the mark', () => {
      expect(snippet('<script>x</script>', terms('script'))).toBe('&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;');
    });

    it("escapes ampersands and quotes when nothing matches", () => {
      expect(snippet(`Tom & Jerry's "show"`, nothing)).toBe('Tom &amp; Jerry&#39;s &quot;show&quot;');
    });

    it('shows a whole short text without ellipses', () => {
      expect(snippet('Shelling around Lysychansk', terms('lysychansk'))).toBe('Shelling around <mark>Lysychansk</mark>');
    });

    it('shows a window around the first match, starting a third of the window before it, with … at both cut ends', () => {
      const words = numbered(100);
      const expected = words.slice(40, 70).map((word) => (word === 'w50' ? '<mark>w50</mark>' : word)).join(' ');
      expect(snippet(words.join(' '), terms('w50'))).toBe(`…${expected}…`);
    });

    it('respects a smaller window size', () => {
      expect(snippet(numbered(20).join(' '), terms('w10'), 6)).toBe('…w8 w9 <mark>w10</mark> w11 w12 w13…');
    });

    it('has no leading … when the window starts at the text', () => {
      const words = numbered(100);
      expect(snippet(words.join(' '), terms('w3'))).toBe(`${words.slice(0, 30).join(' ').replace('w3 ', '<mark>w3</mark> ')}…`);
    });

    it('has no trailing … when the window reaches the end of the text', () => {
      const words = numbered(100);
      expect(snippet(words.join(' '), terms('w95'))).toBe(`…${words.slice(85, 100).join(' ').replace('w95', '<mark>w95</mark>')}`);
    });

    it('windows around the first match and marks later ones inside the window', () => {
      const words = numbered(100);
      const text = words.join(' ');
      const matches = terms('w50', 'w55', 'w90');
      const html = snippet(text, matches);
      expect(html.startsWith('…w40 ')).toBe(true);
      expect(html).toContain('<mark>w55</mark>');
      expect(html).not.toContain('w90');
    });

    it('keeps the punctuation between words inside the window', () => {
      expect(snippet('First, the siege; then—at last—the missile.', terms('missile'))).toBe(
        'First, the siege; then—at last—the <mark>missile</mark>.',
      );
    });

    it('keeps the punctuation around a whole text, and inside a cut window up to the next word', () => {
      expect(snippet('«Missile» strike.', terms('missile'))).toBe('«<mark>Missile</mark>» strike.');
      const words = numbered(100);
      const window = words.slice(40, 70).map((word) => (word === 'w50' ? '<mark>w50</mark>' : word));
      expect(snippet(`(${words.join(', ')})`, terms('w50'))).toBe(`…${window.join(', ')},…`);
    });

    it('returns the start of the text when nothing matches', () => {
      const words = numbered(100);
      expect(snippet(words.join(' '), nothing)).toBe(`${words.slice(0, 30).join(' ')}…`);
    });

    it('returns the start of the text when only stop words would match', () => {
      expect(snippet('the and of', new MatchedTerms(new Set(['the', 'and', 'of'])))).toBe('the and of');
    });

    it.each(['', '   '])('returns an empty string for the text %j', (text) => {
      expect(snippet(text, terms('missile'))).toBe('');
    });

    it('keeps a text of punctuation alone, escaped', () => {
      expect(snippet('<&>', terms('missile'))).toBe('&lt;&amp;&gt;');
    });
  });
});
