/**
 * The chrono-node refiner that applies the news desk's rules to chrono's own results: a bare weekday
 * or a date without a year points back in past-tense reporting and forward in future tense; words
 * that only look like dates ("protesters march", "Theresa May", "the Sunday Times") are dropped;
 * every kept result is tagged `news/<rule>` with its certain components set to its precision.
 */
import type { ParsingComponents, ParsingContext, ParsingResult, Refiner } from 'chrono-node';
import { DateRule } from './article-schema';
import { addDays, daysBetween, mondayOf, weekdayOf, type LocalDay } from './local-day';
import { dayComponents, referenceDay, tagRule } from './news-parsers';
import type { Tense } from './tense';

/** The tense of the verb governing the words at `[start, end)` of the sentence being parsed. */
export type TenseAt = (start: number, end: number) => Tense;

/** Resolves, tags or drops each result chrono-node found in a sentence, reading tense with `tenseAt`. */
export function newsDeskRefiner(tenseAt: TenseAt): Refiner {
  return {
    refine: (context, results) =>
      results.filter((result) => {
        if (ruleOf(result)) return true; // a news parser already dated it
        const rule = resolve(context, result, tenseAt);
        if (rule) tagRule(result, rule);
        return rule !== undefined;
      }),
  };
}

/** The news rule a result was tagged with, if any. */
export function ruleOf(result: { tags(): Set<string> }): DateRule | undefined {
  for (const tag of result.tags()) {
    const rule = tag.startsWith('news/') ? tag.slice(5) : undefined;
    if (rule && isDateRule(rule)) return rule;
  }
  return undefined;
}

const PREPOSITIONS = new Set(['in', 'since', 'until', 'till', 'by', 'during', 'from', 'through', 'throughout', 'to', 'between', 'and', 'or', 'of', 'early', 'late', 'mid', 'last', 'next', 'this', 'that', 'each', 'every', 'before', 'after', 'around', 'on']);
// Newspapers and named days that contain a weekday but do not date anything.
const AFTER_WEEKDAY = /^\s*(?:Times|Telegraph|Mirror|Express|Herald|Post|Independent|Observer|Star|Sport|Mail|People|World|Tribune)\b/;

function resolve(context: ParsingContext, result: ParsingResult, tenseAt: TenseAt): DateRule | undefined {
  const tags = result.tags();
  if (tags.has('casualReference/now')) return undefined; // "now" is not a date anyone reports
  if ([...tags].some((tag) => tag.startsWith('casualReference/'))) {
    // "this morning" leaves the day implied; it is the publication day all the same.
    certainDay(result.start);
    return 'relative-days';
  }
  if (tags.has('result/relativeDate')) {
    return result.start.isCertain('day') ? 'relative-days' : result.start.isCertain('month') ? 'relative-months' : 'relative-years';
  }
  if (isWeekdayOnly(result.start)) return resolveWeekday(context, result, tenseAt);
  if (!result.start.isCertain('month')) return undefined; // a time alone dates nothing
  if (result.start.isCertain('year')) return 'explicit-date';
  if (!result.start.isCertain('day') && !readsAsMonth(context.text, result)) return undefined;
  resolveYear(result, referenceDay(context), tenseAt(result.index, result.index + result.text.length));
  return result.start.isCertain('day') ? 'explicit-date' : 'month-name';
}

/**
 * A bare weekday is the most recent such day on or before publication in past tense and the next one
 * on or after it in future tense; "last" and "next" exclude the publication day itself; "Monday of
 * last week" is that day of that week; "weekend" is Saturday and Sunday.
 */
function resolveWeekday(context: ParsingContext, result: ParsingResult, tenseAt: TenseAt): DateRule | undefined {
  if (namesSomethingElse(context.text, result)) return undefined;
  const today = referenceDay(context);
  const words = result.text.toLowerCase().replace(/^[\s,(（]*(?:on\s+)?/, '');
  const weekend = /\bweekend\b/.test(words);
  const weekday = weekend ? 6 : result.start.get('weekday')!;
  const back = (weekdayOf(today) - weekday + 7) % 7;
  const ahead = (weekday - weekdayOf(today) + 7) % 7;
  const ofWeek = /\b(last|past|this|next)\s*week$/.exec(words)?.[1];
  let day: LocalDay;
  let tense: Tense;
  if (ofWeek) {
    const monday = addDays(mondayOf(today), ofWeek === 'next' ? 7 : ofWeek === 'this' ? 0 : -7);
    day = addDays(monday, (weekday + 6) % 7);
    tense = daysBetween(today, day) > 0 ? 'future' : 'past';
  } else if (/^(?:last|past)\b/.test(words)) {
    [day, tense] = [addDays(today, -(back || 7)), 'past'];
  } else if (/^next\b/.test(words)) {
    [day, tense] = [addDays(today, ahead || 7), 'future'];
  } else {
    tense = tenseAt(result.index, result.index + result.text.length);
    day = addDays(today, tense === 'future' ? ahead : -back);
  }
  assignDay(result.start, day);
  if (weekend) result.end = dayComponents(context, addDays(day, 1));
  else if (result.end && isWeekdayOnly(result.end)) {
    assignDay(result.end, addDays(day, (result.end.get('weekday')! - weekday + 7) % 7));
  }
  return tense === 'future' ? 'weekday-future' : 'weekday-past';
}

/** A date without a year: the latest such date on or before publication in past tense, the first on or after it in future tense. */
function resolveYear(result: ParsingResult, today: LocalDay, tense: Tense): void {
  const month = result.start.get('month')!;
  const day = result.start.isCertain('day') ? result.start.get('day')! : undefined;
  const later = month > today.month || (month === today.month && day !== undefined && day > today.day);
  const earlier = month < today.month || (month === today.month && day !== undefined && day < today.day);
  const year = today.year + (tense === 'past' ? (later ? -1 : 0) : earlier ? 1 : 0);
  result.start.assign('year', year);
  if (result.end && !result.end.isCertain('year')) {
    result.end.assign('year', year + (result.end.get('month')! < month ? 1 : 0));
  }
}

function isWeekdayOnly(components: ParsingComponents): boolean {
  return components.isCertain('weekday') && !components.isCertain('day') && !components.isCertain('month');
}

/** A month named alone is a date when capitalised after a preposition ("in March"), not "protesters march" or "Theresa May". */
function readsAsMonth(text: string, result: ParsingResult): boolean {
  const words = result.text.trim();
  const previous = /([A-Za-z]+)[\s-]*$/.exec(text.slice(0, result.index))?.[1]?.toLowerCase();
  return /^[A-Z]/.test(words) && previous !== undefined && PREPOSITIONS.has(previous);
}

/** "the Sunday Times", "the Mail on Sunday", "Good Friday", "Super Tuesday". */
function namesSomethingElse(text: string, result: ParsingResult): boolean {
  const before = text.slice(0, result.index);
  if (AFTER_WEEKDAY.test(text.slice(result.index + result.text.length))) return true;
  if (/\bMail\s+(?:on\s+)?$/.test(before)) return true;
  const previous = /(\S+)\s+$/.exec(before);
  const opensSentence = previous !== null && before.slice(0, previous.index).trim().replace(/^["“'‘(]+/, '') === '';
  return previous !== null && /^[A-Z][a-z]+$/.test(previous[1]!) && !opensSentence && !/^\s*on\b/i.test(result.text);
}

function certainDay(components: ParsingComponents): void {
  for (const part of ['year', 'month', 'day'] as const) components.assign(part, components.get(part)!);
}

function assignDay(components: ParsingComponents, day: LocalDay): void {
  components.assign('year', day.year).assign('month', day.month).assign('day', day.day);
}

function isDateRule(value: string): value is DateRule {
  return (DateRule as readonly string[]).includes(value);
}
