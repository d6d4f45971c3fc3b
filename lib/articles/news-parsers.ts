/**
 * chrono-node parsers for what a news desk writes and chrono-node 2.10 misses or reads too loosely:
 * "a fortnight ago", "overnight", "earlier this month" (chrono: "this month", day implied),
 * "last week" / "this week" as a span of days, "last month" and "last year" at their own precision,
 * and "in 2014". Each result is tagged `news/<rule>`; its certain components are its precision.
 */
import type { Parser, ParsingComponents, ParsingContext, ParsingResult } from 'chrono-node';
import type { DateRule } from './article-schema';
import { addDays, addMonths, daysBetween, mondayOf, type LocalDay } from './local-day';

const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/** The publication day chrono was given as its reference (see `referenceFor` in temporal.ts). */
export function referenceDay(context: ParsingContext): LocalDay {
  const date = context.reference.getDateWithAdjustedTimezone();
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() };
}

/** Marks a result with the news rule that dated it. */
export function tagRule<T extends ParsingResult | ParsingComponents>(result: T, rule: DateRule): T {
  result.addTag(`news/${rule}`);
  return result;
}

/** Components of a day known to day precision. */
export function dayComponents(context: ParsingContext, day: LocalDay): ParsingComponents {
  return context.createParsingComponents({ year: day.year, month: day.month, day: day.day });
}

/** "a fortnight ago", "two fortnights ago": 14 days a fortnight, day precision. */
const fortnightAgo: Parser = {
  pattern: () => /\b(a|an|one|two|three|four|five|six|\d{1,2})\s+fortnights?\s+ago\b/i,
  extract: (context, match) => {
    const count = NUMBER_WORDS[match[1]!.toLowerCase()] ?? Number(match[1]);
    return tagRule(dayComponents(context, addDays(referenceDay(context), -14 * count)), 'fortnight-ago');
  },
};

/** "overnight", "last night": the night before publication, dated to the day before it. */
const overnight: Parser = {
  pattern: () => /\b(?:overnight|last\s+night)\b/i,
  extract: (context) => tagRule(dayComponents(context, addDays(referenceDay(context), -1)), 'overnight'),
};

/** "last week", "this week", "earlier this week", "later this week", "next week": a span of days, weeks starting on Monday. */
const weeks: Parser = {
  pattern: () => /\b(?:(?:(earlier|later)\s+)?this|(last|next))\s+week\b/i,
  extract: (context, match) => {
    const today = referenceDay(context);
    const monday = mondayOf(today);
    const [part, relative] = [match[1]?.toLowerCase(), match[2]?.toLowerCase()];
    const span = (from: LocalDay, to: LocalDay, rule: DateRule) =>
      tagRule(context.createParsingResult(match.index!, match[0], dayComponents(context, from), dayComponents(context, to)), rule);
    if (relative === 'last') return span(addDays(monday, -7), addDays(monday, -1), 'last-week');
    if (relative === 'next') return span(addDays(monday, 7), addDays(monday, 13), 'next-week');
    const sunday = addDays(monday, 6);
    // On a Monday "earlier this week" has nothing before it, and on a Sunday "later this week" nothing after.
    if (part === 'earlier') return span(monday, daysBetween(monday, today) === 0 ? today : addDays(today, -1), 'earlier-this-week');
    if (part === 'later') return span(daysBetween(today, sunday) === 0 ? today : addDays(today, 1), sunday, 'this-week');
    return span(monday, sunday, 'this-week');
  },
};

/** "last month", "this month", "earlier this month", "next month": month precision. */
const months: Parser = {
  pattern: () => /\b(?:(?:(earlier|later)\s+)?this|(last|next))\s+month\b/i,
  extract: (context, match) => {
    const today = referenceDay(context);
    const [part, relative] = [match[1]?.toLowerCase(), match[2]?.toLowerCase()];
    const shift = relative === 'last' ? -1 : relative === 'next' ? 1 : 0;
    const month = addMonths(today, shift);
    const rule: DateRule = relative === 'last' ? 'last-month' : relative === 'next' ? 'next-month' : part === 'earlier' ? 'earlier-this-month' : 'this-month';
    return tagRule(context.createParsingComponents({ year: month.year, month: month.month }), rule);
  },
};

/** "last year", "this year", "earlier this year", "next year": year precision. */
const years: Parser = {
  pattern: () => /\b(?:(?:(earlier|later)\s+)?this|(last|next))\s+year\b/i,
  extract: (context, match) => {
    const today = referenceDay(context);
    const [part, relative] = [match[1]?.toLowerCase(), match[2]?.toLowerCase()];
    const year = today.year + (relative === 'last' ? -1 : relative === 'next' ? 1 : 0);
    const rule: DateRule = relative === 'last' ? 'last-year' : relative === 'next' ? 'next-year' : part === 'earlier' ? 'earlier-this-year' : 'this-year';
    return tagRule(context.createParsingComponents({ year }), rule);
  },
};

/**
 * "in 2014", "since 2014", "the summer of 2014": a four-digit year after a preposition, year precision.
 * The preposition is required because a bare number is more often a count than a year
 * (news style writes counts of a thousand and more with a comma, so "in 1200" is rare).
 */
const inYear: Parser = {
  pattern: () => /\b(?:in|since|during|until|till|by|from|through|throughout|of|before|after|early|late|mid-?)\s+(1\d{3}|2\d{3})\b(?![-/.,:]?\d|\s*(?:%|per\s*cent|percent))/i,
  extract: (context, match) => tagRule(context.createParsingComponents({ year: Number(match[1]) }), 'year'),
};

/** The news parsers, to run before chrono's own so that they win ties over the same words ("last week"). */
export const newsParsers: readonly Parser[] = [fortnightAgo, overnight, weeks, months, years, inYear];
