import { describe, expect, it } from 'vitest';
import { distinctNames } from '../../../lib/articles/entities';
import { readSentences } from '../../../lib/articles/sentences';

/** The names of a whole text, as an event gathers them from its sentences. */
const namesIn = (text: string) => {
  const sentences = readSentences(text);
  return { places: distinctNames(sentences.flatMap((s) => s.places)), people: distinctNames(sentences.flatMap((s) => s.people)) };
};

describe('entitiesOf and distinctNames', () => {
  it('name places and people without titles, possessives, full stops or repeats', () => {
    const text =
      "President Volodymyr Zelenskyy met Gen. Valery Gerasimov and Mr. Biden in Kyiv. Ukraine's foreign minister flew to Washington, D.C. on Monday. " +
      "Putin's spokesman Dmitry Peskov said Russia would respond. Zelenskyy said Kyiv would hold.";
    expect(namesIn(text)).toEqual({
      places: ['Kyiv', 'Ukraine', 'Washington, D.C.', 'Russia'],
      people: ['Volodymyr Zelenskyy', 'Valery Gerasimov', 'Biden', 'Putin', 'Dmitry Peskov'],
    });
  });

  it('keep the capitalised name of a place compromise reads with its common noun', () => {
    expect(namesIn('Russian forces took the village of Toshkivka.').places).toEqual(['Toshkivka']);
  });

  it('find nothing in a text that names nobody', () => {
    expect(namesIn('Prices rose sharply last month.')).toEqual({ places: [], people: [] });
  });

  it('keep the first spelling, drop names held by longer ones, and stop at 50', () => {
    expect(distinctNames(['Kyiv', 'KYIV', 'Zelenskyy', 'Volodymyr Zelenskyy', 'x'])).toEqual(['Kyiv', 'Volodymyr Zelenskyy']);
    expect(distinctNames(Array.from({ length: 60 }, (_, i) => `Place ${i}`))).toHaveLength(50);
  });
});
