/**
 * Temporal expressions of news text, resolved against the publication day: chrono-node's casual
 * English parser, extended with the news parsers and the news desk refiner.
 */
import { casual, type ParsedComponents, type ParsedResult, type ParsingReference } from 'chrono-node';
import { DateError, formatIsoDate, sortKey, type DatePoint, type Precision } from '../dates';
import type { DateRule } from './article-schema';
import type { LocalDay } from './local-day';
import { newsParsers } from './news-parsers';
import { newsDeskRefiner, ruleOf } from './news-refiner';
import type { Sentence } from './sentences';
import { readTense } from './tense';

/** A date as an event takes it: ISO start, optional inclusive end, precision. */
export interface MentionDate {
  start: string;
  end?: string;
  precision: Precision;
}

/** One dated expression found in a sentence. */
export interface DateMention {
  /** The words as written ("said Monday" gives "Monday"). */
  expression: string;
  /** Where the expression starts in the sentence. */
  index: number;
  rule: DateRule;
  date: MentionDate;
}

// Parsers first so that they win ties over the same words ("last week").
const newsChrono = casual.clone();
newsChrono.parsers.unshift(...newsParsers);

/**
 * Finds and resolves the date expressions of one sentence published on `publication`.
 * @example findDates(readSentences('Russian officials said Monday ...')[0], { year: 2022, month: 6, day: 21 })
 * // [{ expression: 'Monday', index: 23, rule: 'weekday-past', date: { start: '2022-06-20', precision: 'day' } }]
 */
export function findDates(sentence: Pick<Sentence, 'text' | 'words'>, publication: LocalDay): DateMention[] {
  // The refiner reads tense from this sentence's words; it goes last, to see chrono's merged ranges and date-times.
  const chrono = newsChrono.clone();
  chrono.refiners.push(newsDeskRefiner((start, end) => readTense(sentence.words, start, end).tense));
  return chrono.parse(sentence.text, referenceFor(publication), { forwardDate: false }).flatMap((result) => {
    const mention = toMention(result);
    return mention ? [mention] : [];
  });
}

/**
 * The mention that dates a sentence: the first one that does not merely date a statement, so
 * "said Monday that the bridge was destroyed on Saturday" is dated Saturday; otherwise the first.
 */
export function datingMention(sentence: Pick<Sentence, 'words'>, mentions: DateMention[]): DateMention | undefined {
  if (mentions.length < 2) return mentions[0];
  const reported = mentions.find((m) => !readTense(sentence.words, m.index, m.index + m.expression.length).reporting);
  return reported ?? mentions[0];
}

/**
 * chrono-node does its arithmetic on JavaScript dates; noon UTC with a zero offset makes its
 * "local" calendar the publication's, whatever the server's time zone (noon stays clear of day edges).
 */
function referenceFor(day: LocalDay): ParsingReference {
  const instant = new Date(0);
  instant.setUTCFullYear(day.year, day.month - 1, day.day); // not Date.UTC: it reads years 0-99 as 1900-1999
  instant.setUTCHours(12);
  return { instant, timezone: 0 };
}

function toMention(result: ParsedResult): DateMention | undefined {
  const rule = ruleOf(result);
  if (!rule) return undefined;
  const precision: Precision = result.start.isCertain('day') ? 'day' : result.start.isCertain('month') ? 'month' : 'year';
  try {
    const start = pointOf(result.start, precision);
    const end = result.end ? pointOf(result.end, precision) : undefined;
    const date: MentionDate = { start: formatIsoDate(start), precision };
    // A range that ends where it starts (or, misread, before) is just its start.
    if (end && sortKey(end, 'end') > sortKey(start, 'end')) date.end = formatIsoDate(end);
    // chrono keeps the punctuation around "(Monday)" or ", Monday,"; the expression is the words.
    const leading = /^[\s,(（]*/.exec(result.text)![0].length;
    return { expression: result.text.slice(leading).replace(/[\s,)）]+$/, ''), index: result.index + leading, rule, date };
  } catch (error) {
    if (error instanceof DateError) return undefined; // a year beyond -9999..9999 is no date of ours
    throw error;
  }
}

function pointOf(components: ParsedComponents, precision: Precision): DatePoint {
  const point: DatePoint = { year: components.get('year')! };
  if (precision !== 'year') point.month = components.get('month')!;
  if (precision === 'day') point.day = components.get('day')!;
  return point;
}
