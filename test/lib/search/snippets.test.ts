import { describe, expect, it } from 'vitest';
import { escapeHtml, snippet, type TermMatcher } from '../../../lib/search/snippets';
import { processTerm } from '../../../lib/search/text';

/** Matches the indexed terms of the given words, as a query for them would. */
const terms = (...words: string[]): TermMatcher => {
  const wanted = new Set(words.map((word) => processTerm(word)));
  return (term) => wanted.has(term);
};
const nothing: TermMatcher = () => false;

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

    it('never marks a stop word, even when the matcher accepts anything', () => {
      expect(snippet('the missile', () => true)).toBe('the <mark>missile</mark>');
    });

    it('marks the words the matcher accepts, so prefix and typo matches are marked too', () => {
      expect(snippet('drones and droids', (term) => term.startsWith('dro'))).toBe('<mark>drones</mark> and <mark>droids</mark>');
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
      const matches: TermMatcher = (term) => term === 'w50' || term === 'w55' || term === 'w90';
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
      expect(snippet('the and of', () => true)).toBe('the and of');
    });

    it.each(['', '   '])('returns an empty string for the text %j', (text) => {
      expect(snippet(text, () => true)).toBe('');
    });

    it('keeps a text of punctuation alone, escaped', () => {
      expect(snippet('<&>', () => true)).toBe('&lt;&amp;&gt;');
    });
  });
});
