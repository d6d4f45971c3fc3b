import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_LENGTH, readSentences } from '../../../lib/articles/sentences';

const texts = (text: string) => readSentences(text).map((s) => s.text);

describe('readSentences', () => {
  it('keeps abbreviations, initials and times inside their sentence', () => {
    const text = 'Gen. Valery Gerasimov said Monday the U.S. envoy left at 3 p.m. on Friday. He said: "We will win." Then he left!';
    expect(texts(text)).toEqual([
      'Gen. Valery Gerasimov said Monday the U.S. envoy left at 3 p.m. on Friday.',
      'He said: "We will win." Then he left!',
    ]);
  });

  it('numbers sentences across paragraphs, which a blank line or a break after a full stop ends', () => {
    const text = 'First line.\r\nSecond paragraph, hard\nwrapped here. Still second.\n\n  Third.  ';
    expect(readSentences(text).map(({ index, paragraph, text }) => ({ index, paragraph, text }))).toEqual([
      { index: 0, paragraph: 0, text: 'First line.' },
      { index: 1, paragraph: 1, text: 'Second paragraph, hard wrapped here.' },
      { index: 2, paragraph: 1, text: 'Still second.' },
      { index: 3, paragraph: 2, text: 'Third.' },
    ]);
  });

  it('gives each sentence its tagged words, at offsets within the sentence, and the names in it', () => {
    const [first, second] = readSentences('Prices rose. Mr. Biden flew to Kyiv on Monday, officials said.');
    expect(first).toMatchObject({ places: [], people: [] });
    expect(second).toMatchObject({ places: ['Kyiv'], people: ['Biden'] });
    const monday = second!.words.find((w) => w.word === 'monday')!;
    expect(second!.text.slice(monday.start, monday.end)).toBe('Monday');
    expect(monday.clauseBreakAfter).toBe(true);
    expect(second!.words.find((w) => w.word === 'flew')!.tags.has('PastTense')).toBe(true);
  });

  it('cuts a run without full stops between words', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(' ');
    const sentences = readSentences(words);
    expect(sentences.length).toBeGreaterThan(1);
    expect(sentences.every((s) => s.text.length <= MAX_SENTENCE_LENGTH)).toBe(true);
    expect(sentences.map((s) => s.text).join(' ')).toBe(words);
    expect(sentences[1]!.words[0]).toMatchObject({ start: 0, word: sentences[1]!.text.split(' ')[0] });
  });
});
