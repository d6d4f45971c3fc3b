/**
 * Which way a date in a sentence points: the tense of the verb that governs it, read from the words
 * as compromise tagged them. "said Monday" is past, "will meet on Thursday" and "the summits follow
 * on Thursday" are future.
 */
import type { Word } from './sentences';

/** Past tense points back from the publication day, future tense forward. */
export type Tense = 'past' | 'future';

/** How a date expression is used in its sentence. */
export interface Reading {
  tense: Tense;
  /** The governing verb reports speech ("said Monday"): the date is that of a statement, not of what it reports. */
  reporting: boolean;
}

const FUTURE_WORDS = new Set(['will', 'shall', 'would', 'scheduled', 'slated', 'planned', 'upcoming']);
const FUTURE_BEFORE_TO = new Set(['due', 'set', 'expected', 'going', 'poised', 'plans', 'plan', 'intends', 'is', 'are', 'scheduled']);
const PAST_WORDS = new Set(['was', 'were', 'had', 'did']);
const CLAUSE_WORDS = new Set(['that', 'which', 'who', 'while', 'but', 'whereas', 'because', 'although', 'though', 'and', 'or', 'when', 'where', 'after', 'before', 'since', 'until', 'if', 'unless']);
// Words that join a verb group (adverbs too): "is expected to travel", "are due to resume", "will not meet".
const GROUP_GLUE = new Set(['to', 'not', 'due', 'set', 'going', 'poised', 'about', 'be', 'been']);
const REPORTING = /^(?:say|said|says|tell|tells|told|report|reports|reported|announce[sd]?|confirm(?:s|ed)?|claim(?:s|ed)?|state[sd]?|add(?:s|ed)?|note[sd]?|write|writes|wrote|warn(?:s|ed)?|den(?:y|ies|ied)|insist(?:s|ed)?|allege[sd]?|acknowledge[sd]?|tweet(?:s|ed)?|declare[sd]?|explain(?:s|ed)?|reveal(?:s|ed)?|repl(?:y|ies|ied)|respond(?:s|ed)?)$/;

/**
 * Reads the tense and role of the verb governing the date at `[start, end)` of a sentence: the nearest
 * verb group in its clause (a fronted "On Friday," takes the verb of the clause it introduces).
 * Future: will/shall/would, "due/set/expected/going to", "scheduled"; or a present tense that is not a
 * reporting verb ("the summits follow on Thursday"). Past: a past form, or no verb at all (news default).
 */
export function readTense(words: readonly Word[], start: number, end: number): Reading {
  const inDate = (word: Word) => word.end > start && word.start < end;
  const first = words.findIndex((word) => word.end > start);
  const clause = clauseAround(clausesOf(words), first === -1 ? words.length - 1 : first, inDate);
  const groups = verbGroups(clause.terms, inDate);
  if (!groups.length) return { tense: 'past', reporting: false };
  const group = nearest(groups, clause.at);
  return { tense: tenseOf(group, groups), reporting: REPORTING.test(mainVerb(group)?.word ?? '') };
}

interface VerbGroup {
  terms: Word[];
  from: number;
  to: number;
}

/** Splits terms into clauses at punctuation and at words that open a clause ("that", "while", "and", "since"). */
function clausesOf(terms: readonly Word[]): Word[][] {
  const clauses: Word[][] = [[]];
  for (const term of terms) {
    if (clauses.at(-1)!.length && CLAUSE_WORDS.has(term.word)) clauses.push([]);
    clauses.at(-1)!.push(term);
    if (term.clauseBreakAfter) clauses.push([]);
  }
  return clauses.filter((clause) => clause.length);
}

/** The clause holding term `index` (the date's first word), and the date's position within it. */
function clauseAround(clauses: Word[][], index: number, inDate: (term: Word) => boolean): { terms: readonly Word[]; at: number } {
  let seen = 0;
  const ownIndex = Math.max(0, clauses.findIndex((clause) => (seen += clause.length) > index));
  const own = clauses[ownIndex] ?? [];
  if (verbGroups(own, inDate).length) return { terms: own, at: own.findIndex(inDate) };
  // A verbless clause borrows a verb: "On Friday, rebels ..." from the next clause, "... since Monday" from the previous.
  const fronted = own.at(-1)?.clauseBreakAfter || ownIndex === 0;
  const later = clauses.slice(ownIndex + 1);
  const earlier = clauses.slice(0, ownIndex).reverse();
  for (const donor of fronted ? [...later, ...earlier] : [...earlier, ...later]) {
    if (verbGroups(donor, inDate).length) return { terms: donor, at: later.includes(donor) ? -1 : donor.length };
  }
  return { terms: own, at: 0 };
}

/** Runs of verbs and their glue ("is expected to travel"), with their term positions in the clause; the date's own words are no verbs. */
function verbGroups(terms: readonly Word[], inDate: (term: Word) => boolean): VerbGroup[] {
  const groups: VerbGroup[] = [];
  const isVerb = (term: Word | undefined) => term !== undefined && term.tags.has('Verb') && !term.tags.has('Date') && !inDate(term);
  const isGlue = (term: Word | undefined) => term !== undefined && !inDate(term) && (GROUP_GLUE.has(term.word) || term.tags.has('Adverb'));
  // Glue joins only when a verb follows it: "was first hit", "will not yet meet".
  const glues = (i: number): boolean => isGlue(terms[i]) && (isVerb(terms[i + 1]) || glues(i + 1));
  terms.forEach((term, i) => {
    const last = groups.at(-1);
    const joins = last !== undefined && last.to === i - 1;
    if (isVerb(term) || (joins && glues(i))) {
      if (joins) {
        last.terms.push(term);
        last.to = i;
      } else if (isVerb(term)) {
        groups.push({ terms: [term], from: i, to: i });
      }
    }
  });
  return groups;
}

function nearest<G extends { from: number; to: number }>(groups: G[], at: number): G {
  // `at` is the first term after the date; a verb right before it is 1 away, right after 1.5 (ties go to the verb before).
  const distance = (g: G) => (g.to < at ? at - g.to : g.from - at + 1.5);
  return groups.reduce((best, g) => (distance(g) < distance(best) ? g : best));
}

function mainVerb(group: VerbGroup): Word | undefined {
  return group.terms.filter((t) => t.tags.has('Verb') && !t.tags.has('Auxiliary') && !t.tags.has('Modal')).at(-1);
}

function tenseOf(group: VerbGroup, clause: VerbGroup[]): Tense {
  const words = group.terms.map((t) => t.word);
  const futureBeforeTo = words.some((word, i) => FUTURE_BEFORE_TO.has(word) && words[i + 1] === 'to');
  if (futureBeforeTo || words.some((word) => FUTURE_WORDS.has(word))) return 'future';
  const isPast = (g: VerbGroup) => g.terms.some((t) => t.tags.has('PastTense') || PAST_WORDS.has(t.word));
  if (isPast(group)) return 'past';
  const verb = mainVerb(group);
  // A present tense with a date is a schedule ("votes on Wednesday"), unless the clause reports
  // ("says the strike hit ... on Sunday") or has a past form beside it: then the present is more
  // likely an ambiguous word ("hit", "drones") than a timetable.
  const reported = clause.some((g) => REPORTING.test(mainVerb(g)?.word ?? ''));
  if (verb?.tags.has('PresentTense') && !reported && !clause.some(isPast)) return 'future';
  return 'past';
}
