import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, formatIsoDate, sortKey } from '../../lib/dates';
import { EVENT_LIMITS, EventId, EventInput, spanKeys } from '../../lib/event-schema';
import { contentHash, deriveEventId } from '../../lib/events';

const dayPoint = fc
  .record({ year: fc.integer({ min: -9999, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));
const isoDay = dayPoint.map(formatIsoDate);
/** A span in calendar order (ISO text does not sort BC years chronologically; sort keys do). */
const span = fc.tuple(dayPoint, dayPoint).map(([a, b]) => {
  const [start, end] = sortKey(a, 'start') <= sortKey(b, 'start') ? [a, b] : [b, a];
  return { start: formatIsoDate(start), end: formatIsoDate(end) };
});
const someText = (maxLength: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength }).filter((text) => text.trim().length > 0);

/** Events that follow every rule of the schema. */
const validEvent = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,40}$/),
    date: fc.oneof(isoDay, span),
    title: someText(EVENT_LIMITS.titleLength).map((title) => title.slice(0, EVENT_LIMITS.titleLength)),
    text: fc.string({ unit: 'grapheme', maxLength: 500 }),
    tags: fc.array(someText(40), { maxLength: 5 }),
    places: fc.array(someText(40), { maxLength: 5 }),
    sources: fc.array(fc.record({ url: fc.webUrl({ validSchemes: ['https'] }) }), { maxLength: 3 }),
  },
  { requiredKeys: ['date', 'title'] },
);

/** Anything a client might send: JSON of any shape, and event-like objects with wrong types in their fields. */
const anyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ id: fc.anything(), date: fc.anything(), title: fc.anything(), text: fc.anything(), tags: fc.anything() }, { requiredKeys: [] }),
  fc.record({ date: fc.oneof(isoDay, fc.string()), title: fc.string(), extra: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['date', 'title'] }),
);

describe('EventInput (property-based)', () => {
  it('accepts every event that follows the rules, with dates in order and a valid derived id', () => {
    fc.assert(
      fc.property(validEvent, (input) => {
        const parsed = EventInput.safeParse(input);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        const event = parsed.data!;
        const { startKey, endKey } = spanKeys(event.date);
        expect(startKey <= endKey).toBe(true);
        expect(EventId.safeParse(event.id ?? deriveEventId(event)).success).toBe(true);
        // Same content, same hash: re-posting is recognised as unchanged.
        expect(contentHash(EventInput.parse(input))).toBe(contentHash(event));
      }),
      { numRuns: 300 },
    );
  });

  it('answers any other body with field-by-field issues, never an exception', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const parsed = EventInput.safeParse(body);
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          for (const issue of parsed.error.issues) expect(issue.message.length).toBeGreaterThan(0);
        } else {
          expect(parsed.data.title.trim()).toBe(parsed.data.title);
          expect(parsed.data.title.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('derives an id every route accepts from any title', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), isoDay, (title, start) => {
        const id = deriveEventId({ title, date: { start, precision: 'day', display: start } });
        expect(EventId.safeParse(id).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
