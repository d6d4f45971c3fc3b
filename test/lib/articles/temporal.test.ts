import { describe, expect, it } from 'vitest';
import { datingMention, findDates } from '../../../lib/articles/temporal';
import type { LocalDay } from '../../../lib/articles/local-day';
import { readSentences } from '../../../lib/articles/sentences';

const TUESDAY: LocalDay = { year: 2022, month: 6, day: 21 }; // Tuesday 21 June 2022, the issue's reference
const NEW_YEAR_MONDAY: LocalDay = { year: 2023, month: 1, day: 2 }; // Monday 2 January 2023
const AUGUST_MONDAY: LocalDay = { year: 2022, month: 8, day: 1 }; // Monday 1 August 2022
const THURSDAY: LocalDay = { year: 2022, month: 6, day: 23 };
const SUNDAY: LocalDay = { year: 2022, month: 6, day: 26 };

const read = (text: string) => readSentences(text)[0]!;
const datesIn = (text: string, publication: LocalDay) => findDates(read(text), publication);

/** The single date found in a sentence, as `expression | rule | start[..end] | precision`. */
function only(sentence: string, publication: LocalDay): string {
  const mentions = datesIn(sentence, publication);
  expect(mentions).toHaveLength(1);
  const [{ expression, rule, date }] = mentions as [(typeof mentions)[number]];
  return `${expression} | ${rule} | ${date.start}${date.end ? `..${date.end}` : ''} | ${date.precision}`;
}

describe('findDates', () => {
  describe('weekdays, by tense', () => {
    it.each([
      ['Russian officials said Monday that troops had entered the city.', TUESDAY, 'Monday | weekday-past | 2022-06-20 | day'],
      ['The governor told the agency on Tuesday that shelling continued.', TUESDAY, 'on Tuesday | weekday-past | 2022-06-21 | day'],
      ['The ministry says the strike hit a depot on Sunday.', TUESDAY, 'on Sunday | weekday-past | 2022-06-19 | day'],
      ['On Friday, rebels captured the airport.', TUESDAY, 'On Friday | weekday-past | 2022-06-17 | day'],
      ['The summits follow on Thursday.', TUESDAY, 'on Thursday | weekday-future | 2022-06-23 | day'],
      ['Leaders will meet in Brussels on Thursday.', TUESDAY, 'on Thursday | weekday-future | 2022-06-23 | day'],
      ['Talks are due to resume on Monday.', TUESDAY, 'on Monday | weekday-future | 2022-06-27 | day'],
      ['A hearing is scheduled for Thursday.', TUESDAY, 'Thursday | weekday-future | 2022-06-23 | day'],
      ['The committee met last Tuesday.', TUESDAY, 'last Tuesday | weekday-past | 2022-06-14 | day'],
      ['The hearing was adjourned until next Monday.', TUESDAY, 'next Monday | weekday-future | 2022-06-27 | day'],
      ['Officials met on Monday of last week.', TUESDAY, 'on Monday of last week | weekday-past | 2022-06-13 | day'],
      ['Fighting raged over the weekend.', TUESDAY, 'weekend | weekday-past | 2022-06-18..2022-06-19 | day'],
      // across the year: published Monday 2 January 2023
      ['The grid was repaired on Friday, officials said.', NEW_YEAR_MONDAY, 'on Friday | weekday-past | 2022-12-30 | day'],
      ['Celebrations were cancelled on Saturday.', NEW_YEAR_MONDAY, 'on Saturday | weekday-past | 2022-12-31 | day'],
      ['Schools will reopen on Wednesday.', NEW_YEAR_MONDAY, 'on Wednesday | weekday-future | 2023-01-04 | day'],
      // across the month and the weekend: published Monday 1 August 2022
      ['Port workers loaded the ship on Saturday.', AUGUST_MONDAY, 'on Saturday | weekday-past | 2022-07-30 | day'],
      ['The first ship left Odesa on Monday.', AUGUST_MONDAY, 'on Monday | weekday-past | 2022-08-01 | day'],
      ['Talks in Istanbul ended on Friday.', AUGUST_MONDAY, 'on Friday | weekday-past | 2022-07-29 | day'],
      ['Talks resumed on Sunday.', SUNDAY, 'on Sunday | weekday-past | 2022-06-26 | day'],
    ])('reads "%s"', (sentence, publication, expected) => {
      expect(only(sentence, publication)).toBe(expected);
    });
  });

  describe('the news desk phrases', () => {
    it.each([
      ['The town was captured a fortnight ago.', TUESDAY, 'a fortnight ago | fortnight-ago | 2022-06-07 | day'],
      ['Missiles struck Odesa overnight, officials said.', TUESDAY, 'overnight | overnight | 2022-06-20 | day'],
      ['Missiles struck Odesa last night.', NEW_YEAR_MONDAY, 'last night | overnight | 2023-01-01 | day'],
      ['The attack happened yesterday.', NEW_YEAR_MONDAY, 'yesterday | relative-days | 2023-01-01 | day'],
      ['The envoy arrived three days ago.', AUGUST_MONDAY, 'three days ago | relative-days | 2022-07-29 | day'],
      ['Russia fired 100 missiles last week.', NEW_YEAR_MONDAY, 'last week | last-week | 2022-12-26..2023-01-01 | day'],
      ['The talks will take place next week.', TUESDAY, 'next week | next-week | 2022-06-27..2022-07-03 | day'],
      ['The minister resigned earlier this week.', TUESDAY, 'earlier this week | earlier-this-week | 2022-06-20 | day'],
      ['The minister resigned earlier this week.', THURSDAY, 'earlier this week | earlier-this-week | 2022-06-20..2022-06-22 | day'],
      ['The report is due later this week.', THURSDAY, 'later this week | this-week | 2022-06-24..2022-06-26 | day'],
      ['He was sentenced earlier this month.', TUESDAY, 'earlier this month | earlier-this-month | 2022-06 | month'],
      ['Exports fell sharply last month.', NEW_YEAR_MONDAY, 'last month | last-month | 2022-12 | month'],
      ['Officials expect a recovery later this month.', AUGUST_MONDAY, 'later this month | this-month | 2022-08 | month'],
      ['Prices rose three months ago.', TUESDAY, 'three months ago | relative-months | 2022-03 | month'],
      ['Inflation peaked last year.', NEW_YEAR_MONDAY, 'last year | last-year | 2022 | year'],
      ['Crimea was annexed in 2014.', TUESDAY, 'in 2014 | year | 2014 | year'],
      ['Prices have risen since 2014.', TUESDAY, 'since 2014 | year | 2014 | year'],
    ])('reads "%s"', (sentence, publication, expected) => {
      expect(only(sentence, publication)).toBe(expected);
    });
  });

  describe('months and explicit dates', () => {
    it.each([
      ['The plant closed in March.', TUESDAY, 'March | month-name | 2022-03 | month'],
      ['Prices first rose in March, the bank said.', NEW_YEAR_MONDAY, 'March | month-name | 2022-03 | month'],
      ['Elections will be held in March.', NEW_YEAR_MONDAY, 'March | month-name | 2023-03 | month'],
      ['The vote took place in June.', TUESDAY, 'June | month-name | 2022-06 | month'],
      ['The deal was signed on 12 March 2022.', NEW_YEAR_MONDAY, 'on 12 March 2022 | explicit-date | 2022-03-12 | day'],
      ['A similar plan was first floated June 3.', AUGUST_MONDAY, 'June 3 | explicit-date | 2022-06-03 | day'],
      ['The offensive began on 20 December.', NEW_YEAR_MONDAY, 'on 20 December | explicit-date | 2022-12-20 | day'],
      ['The offensive began on 20 December.', TUESDAY, 'on 20 December | explicit-date | 2021-12-20 | day'],
      ['The parliament will sit on 20 December.', TUESDAY, 'on 20 December | explicit-date | 2022-12-20 | day'],
      ['The parliament will sit on 20 December.', NEW_YEAR_MONDAY, 'on 20 December | explicit-date | 2023-12-20 | day'],
      ['Troops withdrew in March 2014.', TUESDAY, 'March 2014 | explicit-date | 2014-03 | month'],
    ])('reads "%s"', (sentence, publication, expected) => {
      expect(only(sentence, publication)).toBe(expected);
    });
  });

  it.each([
    'The Sunday Times reported the story first.',
    'Theresa May said the vote was close.',
    'Protesters march through the capital.',
    'Now the city is calm.',
    'The convoy left at 3 p.m.',
    'The Mail on Sunday published the letter.',
  ])('finds no date in "%s"', (sentence) => {
    expect(datesIn(sentence, TUESDAY)).toEqual([]);
  });
});

describe('datingMention', () => {
  it('prefers the date of what is reported over the date of the statement', () => {
    const sentence = 'Officials said Monday that the bridge was destroyed on Saturday.';
    const mention = datingMention(read(sentence), datesIn(sentence, TUESDAY));
    expect(mention).toMatchObject({ expression: 'on Saturday', rule: 'weekday-past', date: { start: '2022-06-18', precision: 'day' } });
  });

  it('reads each date with its own verb: "said Monday" is past, "will resume on Friday" future', () => {
    const sentence = 'Officials said Monday talks will resume on Friday.';
    expect(datesIn(sentence, TUESDAY).map((m) => [m.expression, m.date.start])).toEqual([
      ['Monday', '2022-06-20'],
      ['on Friday', '2022-06-24'],
    ]);
    expect(datingMention(read(sentence), datesIn(sentence, TUESDAY))?.expression).toBe('on Friday');
  });

  it('keeps the statement date when nothing else is dated', () => {
    const sentence = 'The mayor told reporters on Tuesday that water was short.';
    expect(datingMention(read(sentence), datesIn(sentence, TUESDAY))?.date.start).toBe('2022-06-21');
  });
});
