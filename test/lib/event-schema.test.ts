import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, EventId, EventInput, spanKeys, type EventDate } from '../../lib/event-schema';

const BASE = { date: '2022-06-21', title: 'Shelling around Lysychansk' };

/** Parses an event, failing the test with zod's issues if it is rejected. */
function parse(input: Record<string, unknown>): EventInput {
  const result = EventInput.safeParse(input);
  if (!result.success) throw new Error(`expected the event to be accepted: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

/** The issues of a rejected event as path and message, failing the test if it is accepted. */
function issues(input: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  const result = EventInput.safeParse(input);
  if (result.success) throw new Error(`expected the event to be rejected: ${JSON.stringify(result.data)}`);
  return result.error.issues.map((issue) => ({ path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)), message: issue.message }));
}

/** The paths of a rejected event's issues, joined with dots. */
const rejectedPaths = (input: Record<string, unknown>): string[] => issues(input).map((issue) => issue.path.join('.'));

const dateOf = (date: unknown): EventDate => parse({ ...BASE, date }).date;

describe('event-schema', () => {
  describe('EventInput', () => {
    it('fills the optional fields with empty values', () => {
      expect(parse(BASE)).toStrictEqual({
        date: { start: '2022-06-21', precision: 'day', display: '21 June 2022' },
        title: 'Shelling around Lysychansk',
        text: '',
        tags: [],
        places: [],
        people: [],
        sources: [],
      });
    });

    it('keeps a full event as written', () => {
      const event = {
        id: 'lysychansk-encircled',
        date: { start: '2022-06-21', end: '2022-07-03', precision: 'day' },
        title: 'Lysychansk encircled',
        text: 'Heavy shelling.',
        tags: ['war'],
        places: ['Lysychansk'],
        people: ['Volodymyr Zelenskyy'],
        sources: [{ url: 'https://example.org/a', title: 'Report', publisher: 'Example', publishedAt: '2022-07-03' }],
      };
      expect(parse(event)).toStrictEqual({
        ...event,
        date: { start: '2022-06-21', end: '2022-07-03', precision: 'day', display: '21 June – 3 July 2022' },
      });
    });

    it.each<[string, EventDate]>([
      ['2022', { start: '2022', precision: 'year', display: '2022' }],
      ['2022-06', { start: '2022-06', precision: 'month', display: 'June 2022' }],
      ['2022-06-21', { start: '2022-06-21', precision: 'day', display: '21 June 2022' }],
      ['2022-06-21T14:30', { start: '2022-06-21T14:30', precision: 'day', display: '21 June 2022, 14:30' }],
      ['2022-06-21T14:30:05Z', { start: '2022-06-21T14:30:05', precision: 'day', display: '21 June 2022, 14:30:05' }],
      ['-0043-03-15', { start: '-0043-03-15', precision: 'day', display: '15 March 44 BC' }],
      ['-0043', { start: '-0043', precision: 'year', display: '44 BC' }],
      ['-0043-03', { start: '-0043-03', precision: 'month', display: 'March 44 BC' }],
      ['0000', { start: '0000', precision: 'year', display: '1 BC' }],
      ['0033', { start: '0033', precision: 'year', display: '33' }],
    ])('reads the date "%s" with the precision it is written to', (date, expected) => {
      expect(dateOf(date)).toStrictEqual(expected);
    });

    it.each(['2022', '2022-06', '2022-06-21', '-0043-03-15', '2022-06-21T14:30'])(
      'reads the date object { start: "%s" } as the string',
      (start) => {
        expect(dateOf({ start })).toStrictEqual(dateOf(start));
      },
    );

    it.each<[string, 'year' | 'month' | 'day', string, string]>([
      ['2022-06-21', 'month', '2022-06', 'June 2022'],
      ['2022-06-21', 'year', '2022', '2022'],
      ['2022-06', 'year', '2022', '2022'],
      ['-0043-03-15', 'month', '-0043-03', 'March 44 BC'],
      ['-0043-03-15', 'year', '-0043', '44 BC'],
      ['2022-06-21T14:30', 'month', '2022-06', 'June 2022'],
    ])('cuts the start "%s" down to the declared precision "%s"', (start, precision, expectedStart, display) => {
      expect(dateOf({ start, precision })).toStrictEqual({ start: expectedStart, precision, display });
    });

    it.each(['year', 'month', 'day'] as const)('accepts a declared precision "%s" equal to the written one', (precision) => {
      const start = { year: '2022', month: '2022-06', day: '2022-06-21' }[precision];
      expect(dateOf({ start, precision })).toStrictEqual(dateOf(start));
    });

    it.each<[string, string]>([
      ['2022-06', 'day'],
      ['2022', 'day'],
      ['2022', 'month'],
      ['-0043', 'month'],
    ])('rejects the start "%s" with a finer precision "%s" than it is written to', (start, precision) => {
      expect(issues({ ...BASE, date: { start, precision } })).toStrictEqual([
        { path: ['date'], message: `start "${start}" is less precise than the precision "${precision}"` },
      ]);
    });

    it.each<[string, string]>([
      ['2022-06-21', '2022-06-20'],
      ['2022-06', '2022-05'],
      ['2022', '2021-12-31'],
      ['0033', '-0043'],
      ['-0043-03-15', '-0043-03-14'],
      ['2022-06-21T14:30', '2022-06-21T14:29'],
    ])('rejects the start "%s" with an end "%s" before it, naming both', (start, end) => {
      expect(issues({ ...BASE, date: { start, end } })).toStrictEqual([
        { path: ['date'], message: `end "${end}" is before start "${start}"` },
      ]);
    });

    it.each<[string, string]>([
      ['2022-06-21', '2022-06-21'],
      ['2022-06', '2022-06-15'],
      ['2022', '2022-01'],
      ['2022-06-21', '2022-06'],
    ])('accepts the start "%s" with an end "%s" in the same period', (start, end) => {
      expect(dateOf({ start, end })).toMatchObject({ start, end });
    });

    it.each<[string, string, string]>([
      ['1939', '1945', '1939 – 1945'],
      ['1939-09-01', '1945-09-02', '1 September 1939 – 2 September 1945'],
      ['2022-06-01', '2022-06-30', '1–30 June 2022'],
      ['2022-06-21', '2022-07-03', '21 June – 3 July 2022'],
      ['2022-03', '2022-06', 'March – June 2022'],
      ['-0043', '0033', '44 BC – 33 AD'],
      ['-0043-03-15', '-0043-03-17', '15–17 March 44 BC'],
      ['2022-06-21', '2022-06-21', '21 June 2022'],
    ])('displays the span from "%s" to "%s" as "%s"', (start, end, display) => {
      expect(dateOf({ start, end })).toStrictEqual({ start, end, precision: dateOf(start).precision, display });
    });

    it('keeps the end at its own precision when the start is cut down', () => {
      expect(dateOf({ start: '2022-06-21', end: '2022-08-10', precision: 'month' })).toStrictEqual({
        start: '2022-06',
        end: '2022-08-10',
        precision: 'month',
        display: 'June 2022 – 10 August 2022',
      });
    });

    it.each<[unknown, string, string]>([
      ['2022-13', 'date', 'month 13 is out of range in "2022-13"'],
      ['2023-02-29', 'date', 'day 29 is out of range for February 2023 in "2023-02-29"'],
      ['-43', 'date', 'year "-43" needs at least 4 digits in "-43": write "-0043"'],
      [
        '15 March 44 BC',
        'date',
        'cannot read "15 March 44 BC" as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]',
      ],
      [{ start: '2022-13' }, 'date.start', 'month 13 is out of range in "2022-13"'],
      [
        { start: '2022', end: 'soon' },
        'date.end',
        'cannot read "soon" as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]',
      ],
    ])('rejects the date %j, saying what is wrong with it', (date, path, message) => {
      expect(issues({ ...BASE, date })).toStrictEqual([{ path: path.split('.'), message }]);
    });

    it.each<[string, unknown]>([
      ['a number', 2022],
      ['null', null],
      ['an unknown precision', { start: '2022', precision: 'week' }],
      ['an object without start', { end: '2022' }],
    ])('rejects %s as the date', (_, date) => {
      expect(rejectedPaths({ ...BASE, date })).toStrictEqual(['date']);
    });

    it('rejects an event without a date', () => {
      expect(rejectedPaths({ title: 'x' })).toStrictEqual(['date']);
    });

    it('rejects an event without a title', () => {
      expect(rejectedPaths({ date: '2022' })).toStrictEqual(['title']);
    });

    it('trims the title, tags, places and people', () => {
      const event = parse({ ...BASE, title: '  Siege  ', tags: [' war '], places: ['\tKyiv\n'], people: [' Zelenskyy'] });
      expect([event.title, event.tags, event.places, event.people]).toStrictEqual(['Siege', ['war'], ['Kyiv'], ['Zelenskyy']]);
    });

    it.each([
      ['title', { title: '   ' }, 'title'],
      ['tag', { tags: [' '] }, 'tags.0'],
      ['place', { places: ['ok', ''] }, 'places.1'],
      ['person', { people: [''] }, 'people.0'],
    ])('rejects a blank %s', (_, fields, path) => {
      expect(rejectedPaths({ ...BASE, ...fields })).toStrictEqual([path]);
    });

    const url = (length: number) => {
      const prefix = 'https://example.org/';
      return prefix + 'a'.repeat(length - prefix.length);
    };
    const source = (n: number) => ({ url: `https://example.org/${n}` });
    it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
      ['id', { id: 'a'.repeat(EVENT_LIMITS.idLength) }, { id: 'a'.repeat(EVENT_LIMITS.idLength + 1) }, 'id'],
      ['title', { title: 'a'.repeat(EVENT_LIMITS.titleLength) }, { title: 'a'.repeat(EVENT_LIMITS.titleLength + 1) }, 'title'],
      ['text', { text: 'a'.repeat(EVENT_LIMITS.textLength) }, { text: 'a'.repeat(EVENT_LIMITS.textLength + 1) }, 'text'],
      ['tags', { tags: Array(EVENT_LIMITS.listItems).fill('war') }, { tags: Array(EVENT_LIMITS.listItems + 1).fill('war') }, 'tags'],
      ['places', { places: Array(EVENT_LIMITS.listItems).fill('Kyiv') }, { places: Array(EVENT_LIMITS.listItems + 1).fill('Kyiv') }, 'places'],
      ['people', { people: Array(EVENT_LIMITS.listItems).fill('X') }, { people: Array(EVENT_LIMITS.listItems + 1).fill('X') }, 'people'],
      ['a tag', { tags: ['a'.repeat(EVENT_LIMITS.listItemLength)] }, { tags: ['a'.repeat(EVENT_LIMITS.listItemLength + 1)] }, 'tags.0'],
      ['a place', { places: ['a'.repeat(EVENT_LIMITS.listItemLength)] }, { places: ['a'.repeat(EVENT_LIMITS.listItemLength + 1)] }, 'places.0'],
      ['a person', { people: ['a'.repeat(EVENT_LIMITS.listItemLength)] }, { people: ['a'.repeat(EVENT_LIMITS.listItemLength + 1)] }, 'people.0'],
      [
        'sources',
        { sources: Array.from({ length: EVENT_LIMITS.sources }, (_, i) => source(i)) },
        { sources: Array.from({ length: EVENT_LIMITS.sources + 1 }, (_, i) => source(i)) },
        'sources',
      ],
      ['a source url', { sources: [{ url: url(EVENT_LIMITS.urlLength) }] }, { sources: [{ url: url(EVENT_LIMITS.urlLength + 1) }] }, 'sources.0.url'],
      [
        'a source title',
        { sources: [{ url: url(30), title: 'a'.repeat(EVENT_LIMITS.listItemLength) }] },
        { sources: [{ url: url(30), title: 'a'.repeat(EVENT_LIMITS.listItemLength + 1) }] },
        'sources.0.title',
      ],
      [
        'a source publisher',
        { sources: [{ url: url(30), publisher: 'a'.repeat(EVENT_LIMITS.listItemLength) }] },
        { sources: [{ url: url(30), publisher: 'a'.repeat(EVENT_LIMITS.listItemLength + 1) }] },
        'sources.0.publisher',
      ],
    ])('accepts %s at its limit and rejects it one past', (_, atLimit, pastLimit, path) => {
      expect(() => parse({ ...BASE, ...atLimit })).not.toThrow();
      expect(rejectedPaths({ ...BASE, ...pastLimit })).toStrictEqual([path]);
    });

    it('counts the title limit after trimming', () => {
      expect(parse({ ...BASE, title: ` ${'a'.repeat(EVENT_LIMITS.titleLength)} ` }).title).toHaveLength(EVENT_LIMITS.titleLength);
    });

    it('accepts the largest possible event, which stays far under the 400 KB DynamoDB item limit', () => {
      // "€" is 3 bytes of UTF-8 in one UTF-16 unit: the most bytes a character counted by length can take.
      const wide = (n: number) => '€'.repeat(n);
      const list = Array.from({ length: EVENT_LIMITS.listItems }, () => wide(EVENT_LIMITS.listItemLength));
      const event = parse({
        id: 'a'.repeat(EVENT_LIMITS.idLength),
        date: { start: '2022-06-21T14:30:05', end: '2022-06-22T14:30:05', precision: 'day' },
        title: wide(EVENT_LIMITS.titleLength),
        text: wide(EVENT_LIMITS.textLength),
        tags: list,
        places: list,
        people: list,
        sources: Array.from({ length: EVENT_LIMITS.sources }, () => ({
          url: url(EVENT_LIMITS.urlLength),
          title: wide(EVENT_LIMITS.listItemLength),
          publisher: wide(EVENT_LIMITS.listItemLength),
          publishedAt: '2022-06-21T14:30:05+02:00',
        })),
      });
      expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(300_000);
    });

    it.each(['a', 'A1', '0', 'battle-of-lysychansk', 'v1.2_x~y', 'a'.repeat(EVENT_LIMITS.idLength)])('accepts the id "%s"', (id) => {
      expect(parse({ ...BASE, id }).id).toBe(id);
    });

    it.each(['', '-a', '.a', '_a', 'a/b', 'a b', 'a?b', 'é', 'a\n'])('rejects the id %j with the rule in the message', (id) => {
      expect(issues({ ...BASE, id })).toStrictEqual([
        { path: ['id'], message: 'an id is 1-128 letters, digits, ".", "_", "~" or "-", starting with a letter or digit' },
      ]);
    });

    it.each([
      ['createdAt', '2022-06-21T00:00:00Z'],
      ['timeline', 'x'],
      ['summary', 'x'],
    ])('rejects the unknown field "%s"', (field, value) => {
      expect(issues({ ...BASE, [field]: value })).toStrictEqual([{ path: [], message: `Unrecognized key: "${field}"` }]);
    });

    // README: "Unknown fields are rejected." A misspelt "end" must not silently turn a span into a single date.
    it('rejects an unknown field inside the date object', () => {
      expect(rejectedPaths({ ...BASE, date: { start: '1939', finish: '1945' } })).toHaveLength(1);
    });

    it('rejects an unknown field inside a source', () => {
      expect(rejectedPaths({ ...BASE, sources: [{ url: 'https://example.org/', author: 'x' }] })).toHaveLength(1);
    });

    it.each(['https://example.org/a?b=c#d', 'http://example.org', 'https://xn--80adxhks.xn--p1ai/'])('accepts the source url "%s"', (sourceUrl) => {
      expect(parse({ ...BASE, sources: [{ url: sourceUrl }] }).sources).toStrictEqual([{ url: sourceUrl }]);
    });

    it.each(['example.org', 'not a url', '', '/relative/path', 'http://'])('rejects the source url "%s"', (sourceUrl) => {
      expect(issues({ ...BASE, sources: [{ url: sourceUrl }] })).toStrictEqual([{ path: ['sources', 0, 'url'], message: 'must be an http(s) URL' }]);
    });

    // A source is where an event was reported; a script URL in it is stored markup injection for any page that links it.
    it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>'])('rejects the script-carrying source url "%s"', (sourceUrl) => {
      expect(rejectedPaths({ ...BASE, sources: [{ url: sourceUrl }] })).toStrictEqual(['sources.0.url']);
    });

    it('rejects a source without a url', () => {
      expect(rejectedPaths({ ...BASE, sources: [{ title: 'Report' }] })).toStrictEqual(['sources.0.url']);
    });

    it.each(['2022-06-21', '2022-06-21T14:30:05Z', '2022-06-21T14:30:05+02:00'])('accepts the source publishedAt "%s"', (publishedAt) => {
      expect(parse({ ...BASE, sources: [{ url: 'https://example.org/', publishedAt }] }).sources[0]?.publishedAt).toBe(publishedAt);
    });

    it.each(['yesterday', '2022-06', '21/06/2022', '2022-06-21T14:30:05'])('rejects the source publishedAt "%s"', (publishedAt) => {
      expect(rejectedPaths({ ...BASE, sources: [{ url: 'https://example.org/', publishedAt }] })).toStrictEqual(['sources.0.publishedAt']);
    });
  });

  describe('EventId', () => {
    it('is the id rule EventInput applies', () => {
      expect(EventId.safeParse('a'.repeat(EVENT_LIMITS.idLength)).success).toBe(true);
      expect(EventId.safeParse('a'.repeat(EVENT_LIMITS.idLength + 1)).success).toBe(false);
    });
  });

  describe('spanKeys', () => {
    it.each<[unknown, string, string]>([
      ['2022-06-21', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['2022-06-21T14:30', '12022-06-21T14:30:00', '12022-06-21T14:30:59'],
      ['2022-06', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['2024-02', '12024-02-01T00:00:00', '12024-02-29T23:59:59'],
      ['2022', '12022-01-01T00:00:00', '12022-12-31T23:59:59'],
      ['-0043-03-15', '09957-03-15T00:00:00', '09957-03-15T23:59:59'],
      ['-0043', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      [{ start: '1939-09-01', end: '1945-09-02' }, '11939-09-01T00:00:00', '11945-09-02T23:59:59'],
      [{ start: '1939', end: '1945' }, '11939-01-01T00:00:00', '11945-12-31T23:59:59'],
      [{ start: '-0043', end: '0033' }, '09957-01-01T00:00:00', '10033-12-31T23:59:59'],
      [{ start: '2022-06-21', precision: 'month' }, '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
    ])('gives the date %j the keys %s to %s', (date, startKey, endKey) => {
      expect(spanKeys(dateOf(date))).toStrictEqual({ startKey, endKey });
    });
  });
});
