/** Places and people named in a text, found by compromise and cleaned up for event fields. */
import type nlp from 'compromise/two';
import { EVENT_LIMITS } from '../event-schema';

/** A name and where it starts in the parsed text. */
export interface Named {
  start: number;
  name: string;
}

/** Raw match as `View#json({ offset: true })` answers it. */
interface JsonMatch {
  offset: { start: number };
  terms: { text: string; post: string; tags: string[] }[];
}

/**
 * The places and people a parsed text names, cleaned: punctuation and possessives trimmed ("Kyiv."
 * and "Ukraine's" give "Kyiv" and "Ukraine"), titles dropped ("President Volodymyr Zelenskyy" gives
 * "Volodymyr Zelenskyy"), leading common words dropped ("village of Toshkivka" gives "Toshkivka").
 */
export function entitiesOf(doc: ReturnType<typeof nlp>): { places: Named[]; people: Named[] } {
  const places: JsonMatch[] = placesIn(doc).json({ offset: true });
  const people: JsonMatch[] = peopleIn(doc).json({ offset: true });
  const named = (matches: JsonMatch[], keep: (tags: string[]) => boolean) =>
    matches.map((m) => ({ start: m.offset.start, name: nameOf(m.terms.filter((t) => keep(t.tags))) })).filter((n) => n.name);
  return { places: named(places, () => true), people: named(people, (tags) => !tags.includes('Honorific')) };
}

/**
 * Case-insensitively distinct names in order of appearance, without a name a longer one holds
 * ("Zelenskyy" beside "Volodymyr Zelenskyy"), within the event's list limits.
 * @example distinctNames(['Kyiv', 'kyiv', 'Zelenskyy', 'Volodymyr Zelenskyy']) // ['Kyiv', 'Volodymyr Zelenskyy']
 */
export function distinctNames(names: string[]): string[] {
  const kept = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (name.length >= 2 && name.length <= EVENT_LIMITS.listItemLength && !kept.has(key)) kept.set(key, name);
  }
  const keys = [...kept.keys()];
  const within = (short: string, long: string) => short !== long && ` ${long} `.includes(` ${short} `);
  return [...kept]
    .filter(([key]) => !keys.some((other) => within(key, other)))
    .map(([, name]) => name)
    .slice(0, EVENT_LIMITS.listItems);
}

function nameOf(terms: JsonMatch['terms']): string {
  return terms
    .map((term, i) => (i < terms.length - 1 ? term.text + term.post : term.text))
    .join('')
    .replace(/['’]s?$/i, '') // possessive: "Ukraine's", "Reuters'"
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.]+$/gu, '')
    .replace(/(?<!\b\p{Lu})\.+$/u, '') // a sentence's full stop, but not the one of "D.C."
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:\p{Ll}\S*\s+)+(?=\p{Lu})/u, ''); // "village of Toshkivka": the name is what is capitalised
}

// compromise's `.places()` and `.people()` (src/3-three/topics) are these matches over the tags its
// second level already sets; importing the third level for them alone would add 300 KB to the bundle.

/** `doc.places()`: runs of places, split at commas except "Paris, France". */
function placesIn(doc: ReturnType<typeof nlp>) {
  const found = doc.match('(#Place|#Address)+');
  const splits = found.match('@hasComma').filter((c) => c.has('(asia|africa|europe|america)$') || !(c.has('(#City|#Region|#ProperNoun)$') && c.after('^(#Country|#Region)').found));
  return found.splitAfter(splits);
}

/** `doc.people()`: a person's names with their titles, split at commas and after possessives. */
function peopleIn(doc: ReturnType<typeof nlp>) {
  const found = doc.splitAfter('@hasComma').match('#Honorific+? #Person+');
  return found.splitAfter(found.match('#Possessive').filter((p) => !p.has('(his|her)')));
}
