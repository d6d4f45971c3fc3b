import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { analyze, processTerm, tokenize, WORD_SEPARATOR } from '../../../lib/search/text';

describe('text', () => {
  describe('tokenize', () => {
    it.each<[string, string[]]>([
      ['sarmat missile', ['sarmat', 'missile']],
      ['  spaced\tout\r\nlines  ', ['spaced', 'out', 'lines']],
      ["Kyiv's drone-strike, 2022!", ['Kyiv', 's', 'drone', 'strike', '2022']],
      ['(a) [b] {c} "d" «e» „f“', ['a', 'b', 'c', 'd', 'e', 'f']],
      ['a+b=c $5 €5 <tag>', ['a', 'b', 'c', '5', '5', 'tag']],
      ['one…two—three', ['one', 'two', 'three']],
      ['no\u00a0break\u2003em\u200bspace', ['no', 'break', 'em', 'space']],
      ['Київ, Харків', ['Київ', 'Харків']],
      ['北京 奥运会', ['北京', '奥运会']],
      ['café Erdoğan', ['café', 'Erdoğan']],
      ['', []],
      [' ,.;! ', []],
    ])('splits %j into %j', (text, words) => {
      expect(tokenize(text)).toStrictEqual(words);
    });

    it('keeps words as written, case and accents included', () => {
      expect(tokenize('MISSILES Négociations')).toStrictEqual(['MISSILES', 'Négociations']);
    });
  });

  describe('WORD_SEPARATOR', () => {
    it.each([' ', '\n', ',', '-', "'", '’', '/', '+', '©', '\u0000'])('separates words at %j', (char) => {
      expect(WORD_SEPARATOR.test(char)).toBe(true);
    });

    it.each(['a', 'Z', '7', 'é', 'ї', '北', 'ğ'])('does not separate at %j', (char) => {
      expect(WORD_SEPARATOR.test(char)).toBe(false);
    });
  });

  describe('processTerm', () => {
    it.each<[string, string]>([
      ['Kyiv', 'kyiv'],
      ['KYIV', 'kyiv'],
      ['Erdoğan', 'erdogan'],
      ['İstanbul', 'istanbul'],
      ['Zürich', 'zurich'],
      ['Łódź', 'łodz'],
    ])('folds case and accents of "%s" to "%s"', (word, term) => {
      expect(processTerm(word)).toBe(term);
    });

    it('folds a word written with a combining accent as the precomposed one', () => {
      expect(processTerm('Erdog\u0306an')).toBe(processTerm('Erdo\u011fan'));
    });

    it.each(['the', 'The', 'THE', 'and', 'of', 'is', 'about', 'between'])('drops the stop word "%s"', (word) => {
      expect(processTerm(word)).toBeNull();
    });

    it.each<[string, string]>([
      ['missiles', 'missile'],
      ['Missiles', 'missile'],
      ['shelling', 'shelled'],
      ['negotiations', 'negotiation'],
      ['attacks', 'attacked'],
      ['Négociations', 'negociation'],
    ])('stems "%s" to the same term as "%s"', (a, b) => {
      expect(processTerm(a)).toBe(processTerm(b));
    });

    it.each(['missiles', 'shelling', 'negotiations', 'running', 'happiness'])('uses the Porter stemmer for "%s"', (word) => {
      expect(processTerm(word)).toBe(stemmer(word));
    });

    it('stems after folding, so a capitalised word stems like the lower-case one', () => {
      expect(processTerm('SHELLING')).toBe(stemmer('shelling'));
    });

    it.each<[string, string]>([
      ['missile', 'mission'],
      ['sarmat', 'sarmatian'],
    ])('keeps "%s" and "%s" apart', (a, b) => {
      expect(processTerm(a)).not.toBe(processTerm(b));
    });

    it.each<[string, string]>([
      ['2022', '2022'],
      ['1990s', '1990s'],
      ['S-400', 's-400'],
      ['MH17', 'mh17'],
      ['7', '7'],
      ['3rd', '3rd'],
    ])('leaves the number or code "%s" unstemmed as "%s"', (word, term) => {
      expect(processTerm(word)).toBe(term);
    });

    it.each<[string, string]>([
      ['Київ', 'киів'],
      ['Straße', 'straße'],
      ['北京', '北京'],
    ])('folds but does not stem the non-English word "%s"', (word, term) => {
      expect(processTerm(word)).toBe(term);
    });

    it.each(['s', 'S', 't', 'é', 'x'])('drops the lone letter "%s"', (word) => {
      expect(processTerm(word)).toBeNull();
    });

    it.each(['us', 'un', 'ai'])('keeps the two-letter word "%s"', (word) => {
      expect(processTerm(word)).toBe(word);
    });
  });

  describe('analyze', () => {
    it('gives the indexed terms of a text in order, without stop words or lone letters', () => {
      expect(analyze("The missiles hit Kyiv's port, and it was shelled in 2022.")).toStrictEqual(
        ['missiles', 'hit', 'kyiv', 'port', 'shelled', '2022'].map((word) => processTerm(word)),
      );
    });

    it('gives the same terms for a text whatever its case and accents', () => {
      expect(analyze('ERDOĞAN MEETS ZELENSKYY IN İSTANBUL')).toStrictEqual(analyze('erdogan meets zelenskyy in istanbul'));
    });

    it.each(['', '   ', 'the and of', "'s — !"])('gives no terms for %j', (text) => {
      expect(analyze(text)).toStrictEqual([]);
    });

    it('keeps repeated words, since positions matter for phrases', () => {
      expect(analyze('drone drone drone')).toStrictEqual(['drone', 'drone', 'drone']);
    });
  });
});
