import { eng } from 'stopword';

/** An event as a client posts it (the API's `EventInput`), with an explicit id so runs are comparable. */
export interface BenchEvent {
  id: string;
  date: string | { start: string; end: string };
  title: string;
  text: string;
  tags: string[];
  places: string[];
  people: string[];
}

/** A generated timeline and what the query builder needs to know about its words. */
export interface Corpus {
  events: BenchEvent[];
  /** Number of events each lower-cased word appears in (title or text), before stemming. */
  docFrequency: Map<string, number>;
  vocabularySize: number;
}

/** A small deterministic pseudo-random generator (mulberry32), so every run sees the same timeline. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Size of the vocabulary: real news words at the head, pronounceable pseudo-words in the long tail. */
export const VOCABULARY_SIZE = 50_000;

/**
 * Generates `count` news-like events, deterministic from the seed, in chronological order (as a
 * timeline export would be posted): dates dense in 2000-2025, sparse back to 1000 BC, a few known
 * only to the month or year, a few spans; 25-40 words of text drawn with a Zipf long tail.
 */
export function generateCorpus(count: number, seed = 42): Corpus {
  const random = seededRandom(seed);
  const vocabulary = buildVocabulary(seededRandom(seed + 1));
  const pickWord = zipfSampler(vocabulary.length, random, 1.05, 5);
  const places = buildPlaces(seededRandom(seed + 2));
  const pickPlace = zipfSampler(places.length, random, 1, 2);
  const people = buildPeople(seededRandom(seed + 3));
  const pickPerson = zipfSampler(people.length, random, 1, 2);
  const pickTag = zipfSampler(TAGS.length, random, 1, 1);
  const fill = (template: string) =>
    template.replace(/\{(w|P|L)\}/g, (_, slot: string) =>
      slot === 'w' ? vocabulary[pickWord()]! : slot === 'P' ? people[pickPerson()]! : places[pickPlace()]!,
    );

  const drafts = Array.from({ length: count }, () => {
    const date = randomDate(random);
    const target = 25 + Math.floor(random() * 16);
    let words: string[] = [];
    while (words.length < target) words.push(...fill(pick(random, SENTENCES)).split(' '));
    words = words.slice(0, target);
    const text = `${words.join(' ').replace(/[.,]$/, '')}.`;
    const title = capitalize(fill(pick(random, TITLES)));
    const tags = unique(Array.from({ length: 1 + Math.floor(random() * 3) }, () => TAGS[pickTag()]!));
    const placeList = unique(Array.from({ length: 1 + Math.floor(random() * 2) }, () => places[pickPlace()]!));
    const personList = unique(Array.from({ length: Math.floor(random() * 3) }, () => people[pickPerson()]!));
    return { date, title, text, tags, places: placeList, people: personList };
  });
  drafts.sort((a, b) => a.date.key - b.date.key);

  const docFrequency = new Map<string, number>();
  const events = drafts.map((draft, i): BenchEvent => {
    // Generated text is ASCII: spaces, commas and full stops are its only separators.
    for (const word of new Set(`${draft.title} ${draft.text}`.toLowerCase().split(/[ ,.]+/))) {
      if (word) docFrequency.set(word, (docFrequency.get(word) ?? 0) + 1);
    }
    return {
      id: `ev${String(i).padStart(7, '0')}`,
      date: draft.date.value,
      title: draft.title,
      text: draft.text,
      tags: draft.tags,
      places: draft.places,
      people: draft.people,
    };
  });
  return { events, docFrequency, vocabularySize: vocabulary.length };
}

/** The start of an event's date as written (`2022-06-21`, `2022-06`, `-0043`). */
export function startOf(event: Pick<BenchEvent, 'date'>): string {
  return typeof event.date === 'string' ? event.date : event.date.start;
}

/** Draws ranks 0..n-1 with probability proportional to 1/(rank+1+q)^s (Zipf-Mandelbrot). */
export function zipfSampler(n: number, random: () => number, s: number, q: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r += 1) cdf[r] = total += 1 / (r + 1 + q) ** s;
  return () => {
    const x = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid]! < x) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

// Real words of news writing, most common first; the pseudo-words of the tail follow them.
const HEAD_WORDS = (
  'year government people police officials president city country state week minister killed war report ' +
  'military forces army attack election party court talks deal group company market prices workers town ' +
  'region border troops leaders crisis power water fire village children women security health public ' +
  'national local international foreign economic political federal council plan law vote support budget ' +
  'announced reported opened signed launched arrested accused warned agreed rejected approved banned ' +
  'elected resigned visited claimed denied confirmed ordered protested died injured destroyed captured ' +
  'bridge road railway airport harbour port river coast mountain valley island hospital school university ' +
  'factory mine church temple palace fortress castle prison museum stadium parliament senate assembly ' +
  'treaty ceasefire sanctions strike protest riot uprising revolt rebellion siege battle offensive retreat ' +
  'invasion occupation liberation independence referendum constitution reform scandal trial verdict ' +
  'earthquake flood storm hurricane drought famine epidemic plague outbreak vaccine virus disease ' +
  'oil gas coal grain wheat cotton gold silver steel iron copper trade exports imports tariffs currency ' +
  'bank debt loan inflation recession growth jobs unemployment wages taxes pension housing rent ' +
  'missile drone tank artillery rocket aircraft helicopter ship submarine convoy brigade battalion ' +
  'regiment division fleet navy soldiers officers commander general admiral colonel volunteers refugees ' +
  'civilians prisoners hostages victims survivors residents farmers miners students teachers doctors nurses ' +
  'journalists scientists engineers artists writers musicians athletes players coach team match final ' +
  'championship tournament league season record medal olympic cup victory defeat draw goal title ' +
  'king queen emperor empire kingdom dynasty prince princess duke pope bishop monastery cathedral ' +
  'merchant guild colony settlers expedition voyage discovery explorer map charter decree edict ' +
  'census harvest winter summer spring autumn night morning evening village capital province district ' +
  'summit conference meeting agreement negotiation mediation envoy embassy ambassador diplomat consulate ' +
  'pipeline reactor nuclear energy solar wind electricity grid blackout shortage supply demand ' +
  'network internet software computer phone satellite launch rocket space station telescope mission ' +
  'film festival concert exhibition book novel painting theatre opera award prize ceremony premiere ' +
  'museum archive library collection excavation ruins tomb statue inscription manuscript coin ' +
  'ministry agency commission committee inquiry investigation audit probe raid search seizure ' +
  'shelling bombing explosion blast shooting ambush clash fighting skirmish raid assault counteroffensive ' +
  'frontline trench checkpoint barracks depot warehouse bunker airfield airbase base camp ' +
  'evacuation shelter aid relief donation charity rescue recovery reconstruction repair ' +
  'highway tunnel dam canal lake forest desert plain steppe hill peninsula strait gulf bay sea ocean ' +
  'north south east west central eastern western northern southern coastal rural urban ' +
  'new old first last major minor large small heavy light early late former current interim ' +
  'fierce sudden brief long major historic landmark controversial disputed contested bitter ' +
  'opposition coalition majority minority alliance union federation league movement campaign ' +
  'tax reform bill act policy strategy program project initiative scheme proposal motion ' +
  'rally march demonstration strike walkout boycott petition vigil funeral memorial anniversary ' +
  'crash collision derailment sinking fire wildfire landslide avalanche eruption volcano tsunami ' +
  'record high low rise fall surge drop jump slump boom crash rally recovery'
).split(' ');

const SENTENCES = [
  '{P} {w} the {w} {w} in {L} after {w} {w},',
  'officials in {L} said {w} {w} would {w} the {w} {w}.',
  'the {w} of {L} {w} {w} {w} as {w} {w} continued.',
  '{w} {w} near {L} {w} {w} {w} and {w} {w}.',
  'according to {P}, {w} {w} {w} {w} across {L}.',
  'a {w} {w} {w} {w} in {L} on the {w} of {w} {w}.',
  'residents of {L} {w} {w} {w} while {w} {w} {w}.',
  '{w} {w} and {w} {w} were {w} by {w} {w} {w}.',
  'the {w} {w} {w} {w} {w} {w} before {w} {w}.',
  '{P} and {P} {w} a {w} {w} {w} in {L}.',
  'it was the first {w} {w} since the {w} {w} {w}.',
  '{w} {w} {w} {w} {w} at {L}, {w} {w} {w}.',
];

const TITLES = [
  '{w} {w} in {L}',
  '{P} {w} {w} {w}',
  '{w} {w} {w} {w} {w}',
  '{L} {w} {w} {w} {w}',
  '{w} {w} after {w} {w} in {L}',
  '{w} {w} {w} {w} {w} {w} {w}',
];

const TAGS = (
  'politics war economy diplomacy disaster science culture sport health crime religion technology ' +
  'environment energy transport education history law protest election military agriculture trade ' +
  'exploration architecture art music literature royalty empire colonialism revolution migration'
).split(' ');

const REAL_PLACES = (
  'Kyiv|Kharkiv|Lysychansk|Mariupol|Odesa|London|Paris|Berlin|Rome|Madrid|Lisbon|Vienna|Prague|Warsaw|Athens|' +
  'Istanbul|Cairo|Alexandria|Baghdad|Tehran|Delhi|Mumbai|Beijing|Shanghai|Tokyo|Kyoto|Seoul|Manila|Jakarta|' +
  'Sydney|Melbourne|Auckland|Lagos|Nairobi|Accra|Dakar|Johannesburg|Cape Town|Casablanca|Tunis|Carthage|' +
  'Jerusalem|Damascus|Babylon|Nineveh|Persepolis|Sparta|Thebes|Memphis|Troy|Antioch|Constantinople|' +
  'New York|Washington|Chicago|Los Angeles|Boston|Philadelphia|Toronto|Montreal|Mexico City|Havana|' +
  'Lima|Bogota|Santiago|Buenos Aires|Rio de Janeiro|Sao Paulo|Moscow|Saint Petersburg|Minsk|Vilnius|Riga|' +
  'Tallinn|Helsinki|Stockholm|Oslo|Copenhagen|Amsterdam|Brussels|Geneva|Zurich|Milan|Venice|Naples|Florence|' +
  'Edinburgh|Dublin|Belfast|Cardiff|Glasgow|Manchester|Liverpool|Marseille|Lyon|Barcelona|Seville|Porto'
).split('|');

const FIRST_NAMES = (
  'Anna Maria Olena Iryna Sofia Elena Fatima Aisha Mei Yuki Priya Amara Chloe Emma Laura Hana Ines Zara ' +
  'John Ivan Petro Oleksandr Mykola Ahmed Omar Li Wei Kenji Raj Kwame Diego Carlos Luca Marco Pierre Hans ' +
  'Lars Jan Tomas Andrei Dmitri Sergei Pavel Yusuf Ali Hassan David Samuel Daniel Michael Robert James'
).split(' ');

const LAST_NAMES = (
  'Kovalenko Shevchenko Bondarenko Tkachenko Melnyk Petrov Ivanov Smirnov Novak Kowalski Nowak Schmidt Muller ' +
  'Rossi Bianchi Garcia Martinez Lopez Silva Santos Dubois Martin Bernard Smith Jones Brown Taylor Wilson ' +
  'Okafor Mensah Diallo Haddad Rahman Khan Patel Singh Chen Wang Zhang Tanaka Sato Kim Park Nguyen Tran ' +
  'Andersen Larsen Nielsen Johansson Virtanen Horvat Popescu Georgiou Papadopoulos Yilmaz Demir Cohen Levi'
).split(' ');

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'kr', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'sk', 'st', 't', 'tr', 'v', 'w', 'z', 'th', 'pl'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea', 'io', 'y'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'm', 't', 'k', 'nd', 'st', 'rk', 'v'];

function pseudoWord(random: () => number, syllables: number): string {
  let word = '';
  for (let i = 0; i < syllables; i += 1) word += pick(random, ONSETS) + pick(random, VOWELS) + (i === syllables - 1 || random() < 0.3 ? pick(random, CODAS) : '');
  return word;
}

/** Head words first, then distinct pseudo-words that collide with no real or stop word. */
function buildVocabulary(random: () => number): string[] {
  const taken = new Set<string>([...eng, ...HEAD_WORDS]);
  const words = [...new Set(HEAD_WORDS)];
  while (words.length < VOCABULARY_SIZE) {
    const word = pseudoWord(random, 2 + Math.floor(random() * 2));
    if (word.length < 4 || taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

function buildPlaces(random: () => number): string[] {
  const suffixes = ['', '', 'ovka', 'grad', 'ville', 'ia', ' Bay', ' Hills', 'sk', 'burg'];
  const places = [...REAL_PLACES];
  const taken = new Set(places);
  while (places.length < 400) {
    const place = capitalize(pseudoWord(random, 2) + pick(random, suffixes));
    if (!taken.has(place)) places.push(place);
    taken.add(place);
  }
  return places;
}

function buildPeople(random: () => number): string[] {
  const people = new Set<string>();
  while (people.size < 2000) people.add(`${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`);
  return [...people].sort(() => random() - 0.5);
}

interface DraftDate {
  value: BenchEvent['date'];
  /** Days since an epoch, for ordering. */
  key: number;
}

/** Dense in 2000-2025 (more so towards today), sparse back to 1000 BC; older dates are known less precisely. */
function randomDate(random: () => number): DraftDate {
  const era = random();
  const year =
    era < 0.8
      ? Math.min(2025, 2000 + Math.floor(26 * Math.sqrt(random())))
      : era < 0.9
        ? 1800 + Math.floor(random() * 200)
        : era < 0.96
          ? Math.floor(random() * 1800)
          : -999 + Math.floor(random() * 999);
  const modern = year >= 1800;
  const r = random();
  const precision = modern ? (r < 0.92 ? 'day' : r < 0.97 ? 'month' : 'year') : r < 0.4 ? 'day' : r < 0.6 ? 'month' : 'year';
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const start = isoDate(year, precision === 'year' ? undefined : month, precision === 'day' ? day : undefined);
  const key = year * 400 + month * 31 + day;
  if (random() >= 0.03) return { value: start, key };
  // A span: days for a dated event, months or years for vaguer ones.
  const end =
    precision === 'day'
      ? isoDate(year, Math.min(12, month + Math.floor(random() * 2)), 28)
      : precision === 'month'
        ? isoDate(year + (month === 12 ? 1 : 0), month === 12 ? 1 : month + 1)
        : isoDate(Math.min(2025, year + 1 + Math.floor(random() * 30)));
  return { value: { start, end }, key };
}

function isoDate(year: number, month?: number, day?: number): string {
  let text = `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}`;
  if (month !== undefined) text += `-${String(month).padStart(2, '0')}`;
  if (day !== undefined) text += `-${String(day).padStart(2, '0')}`;
  return text;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
