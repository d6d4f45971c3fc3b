import { describe, expect, it } from 'vitest';
import { eventsFromArticle, titleOf } from '../../../lib/articles/article-events';
import type { ArticleEvent, ArticleInput } from '../../../lib/articles/article-schema';
import { ValidationError } from '../../../lib/errors';
import { DONBAS_ROUNDUP, GRAIN_SHIPS, NEW_YEAR_STRIKES } from './news-articles';

/** Each event as `[rule, expression, start, end, precision, first sentence]`, to compare exactly. */
const summary = (events: ArticleEvent[]) =>
  events.map((e) => [e.rule, e.expression, e.event.date.start, e.event.date.end ?? null, e.event.date.precision, e.sentences[0]!.index]);

describe('eventsFromArticle', () => {
  it('dates a roundup published on a Tuesday: past weekdays, the same day, a fortnight, this month, overnight, future tense', () => {
    expect(summary(eventsFromArticle(DONBAS_ROUNDUP))).toEqual([
      ['weekday-past', 'Monday', '2022-06-20', null, 'day', 0],
      ['weekday-past', 'on Tuesday', '2022-06-21', null, 'day', 2],
      ['fortnight-ago', 'a fortnight ago', '2022-06-07', null, 'day', 3],
      ['earlier-this-month', 'earlier this month', '2022-06', null, 'month', 4],
      ['overnight', 'overnight', '2022-06-20', null, 'day', 5],
      ['weekday-future', 'on Thursday', '2022-06-23', null, 'day', 6],
      ['weekday-future', 'on Friday', '2022-06-24', null, 'day', 7],
    ]);
  });

  it('dates an article published on Monday 2 January across the year boundary', () => {
    expect(summary(eventsFromArticle(NEW_YEAR_STRIKES))).toEqual([
      ['weekday-past', 'on Friday', '2022-12-30', null, 'day', 0],
      ['relative-days', 'yesterday', '2023-01-01', null, 'day', 1],
      ['last-week', 'last week', '2022-12-26', '2023-01-01', 'day', 2],
      ['last-month', 'last month', '2022-12', null, 'month', 3],
      ['month-name', 'March', '2022-03', null, 'month', 4], // past tense in January: last year's March
      ['weekday-future', 'on Wednesday', '2023-01-04', null, 'day', 5],
    ]);
  });

  it('dates an article published on Monday 1 August across the weekend and the month boundary', () => {
    expect(summary(eventsFromArticle(GRAIN_SHIPS))).toEqual([
      ['weekday-past', 'on Monday', '2022-08-01', null, 'day', 0],
      ['weekday-past', 'on Saturday', '2022-07-30', null, 'day', 1],
      ['weekday-past', 'on Friday', '2022-07-29', null, 'day', 2],
      ['weekday-past', 'weekend', '2022-07-30', '2022-07-31', 'day', 3],
      ['last-month', 'last month', '2022-07', null, 'month', 4],
      ['this-month', 'later this month', '2022-08', null, 'month', 5],
      ['explicit-date', 'on 22 July 2022', '2022-07-22', null, 'day', 6],
      ['explicit-date', 'June 3', '2022-06-03', null, 'day', 7],
      ['year', 'in 2014', '2014', null, 'year', 8],
      ['weekday-future', 'next Tuesday', '2022-08-02', null, 'day', 9],
    ]);
  });

  it('continues an event with the undated sentences after it, which inherit its date and expression', () => {
    const [first] = eventsFromArticle(DONBAS_ROUNDUP);
    expect(first!.sentences).toEqual([
      { index: 0, text: 'Russian officials said Monday that their forces had taken the village of Toshkivka.', rule: 'weekday-past', expression: 'Monday' },
      { index: 1, text: 'The claim could not be verified.', rule: 'inherited', expression: 'Monday' },
    ]);
    expect(first!.event.text).toBe('Russian officials said Monday that their forces had taken the village of Toshkivka. The claim could not be verified.');
  });

  it('opens an event at an undated paragraph, dated by the scene before it or by the publication day', () => {
    const events = eventsFromArticle({
      publishedAt: '2022-06-21T09:30:00+03:00',
      text: 'The city is without water.\n\nThe ministry said Monday that repairs had begun.\n\nEngineers are on site.',
    });
    expect(summary(events)).toEqual([
      ['publication-day', null, '2022-06-21', null, 'day', 0],
      ['weekday-past', 'Monday', '2022-06-20', null, 'day', 1],
      ['inherited', 'Monday', '2022-06-20', null, 'day', 2],
    ]);
  });

  it('reads the publication day in the given time zone', () => {
    const late = { publishedAt: '2022-06-21T23:30:00-04:00', text: 'The dam was breached yesterday.' };
    expect(eventsFromArticle(late)[0]!.event.date.start).toBe('2022-06-20');
    expect(eventsFromArticle({ ...late, timezone: 'Europe/Kyiv' })[0]!.event.date.start).toBe('2022-06-21');
  });

  it('writes ordinary events: title, text, places, people and the article as source', () => {
    const event = eventsFromArticle(DONBAS_ROUNDUP)[5]!.event;
    expect(event).toEqual({
      id: expect.stringMatching(/^art-[0-9a-f]{12}-6$/),
      date: { start: '2022-06-23', precision: 'day', display: '23 June 2022' },
      title: "EU leaders will discuss Ukraine's candidacy in Brussels on Thursday",
      text: "EU leaders will discuss Ukraine's candidacy in Brussels on Thursday.",
      tags: [],
      places: ['Ukraine', 'Brussels'],
      people: [],
      sources: [{ url: DONBAS_ROUNDUP.url, title: 'Donbas roundup', publisher: 'Example Wire', publishedAt: '2022-06-21T09:30:00+03:00' }],
    });
  });

  it('derives ids from the article and the position, the same on every run; an article without URL has no source', () => {
    const ids = (article: ArticleInput) => eventsFromArticle(article).map((e) => e.event.id);
    expect(ids(GRAIN_SHIPS)).toEqual(ids({ ...GRAIN_SHIPS }));
    expect(new Set(ids(GRAIN_SHIPS)).size).toBe(10);
    expect(ids({ ...GRAIN_SHIPS, title: 'Another title' })).not.toEqual(ids(GRAIN_SHIPS));
    expect(eventsFromArticle(GRAIN_SHIPS)[0]!.event.sources).toEqual([]);
    const untitled = { publishedAt: '2022-08-01', text: 'The port reopened on Monday.' };
    expect(ids(untitled)).not.toEqual(ids({ ...untitled, text: 'The port closed on Monday.' }));
  });

  it('lets only dates open events when one-line paragraphs would make more than 1,000', () => {
    const items = Array.from({ length: 1001 }, (_, i) => `Item ${i}.`);
    const events = eventsFromArticle({ publishedAt: '2022-06-21', text: ['Stocks fell on Monday.', ...items].join('\n\n') });
    expect(summary(events)).toEqual([['weekday-past', 'on Monday', '2022-06-20', null, 'day', 0]]);
    expect(events[0]!.sentences).toHaveLength(1002);
  });

  it('refuses an article with more than 1,000 dated statements', () => {
    const text = Array.from({ length: 1001 }, (_, i) => `Report ${i} was filed in 2014.`).join(' ');
    expect(() => eventsFromArticle({ publishedAt: '2022-06-21', text })).toThrow(ValidationError);
    expect(() => eventsFromArticle({ publishedAt: '2022-06-21', text })).toThrow('text: the article has 1001 dated statements; at most 1000 are accepted');
  });
});

describe('titleOf', () => {
  it.each([
    ['Missiles struck Odesa overnight.', 'Missiles struck Odesa overnight'],
    ['The U.S.', 'The U.S.'],
    ['...', '...'],
    [
      'Russian forces shelled the eastern city of Lysychansk throughout the night, the regional governor said on Tuesday, adding that at least three civilians were killed.',
      'Russian forces shelled the eastern city of Lysychansk throughout the night',
    ],
    [
      `${'Negotiators from both delegations '.repeat(3)}met again in Istanbul to discuss the corridor for grain exports from the Black Sea ports.`,
      'Negotiators from both delegations Negotiators from both delegations Negotiators from both delegations met again in…',
    ],
  ])('titles "%s"', (sentence, title) => {
    expect(titleOf(sentence)).toBe(title);
    expect(titleOf(sentence).length).toBeLessThanOrEqual(120);
  });
});
