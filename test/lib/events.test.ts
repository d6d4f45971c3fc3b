import { describe, expect, it } from 'vitest';
import { EventId, EventInput, TimelineEvent } from '../../lib/event-schema';
import { contentHash, deriveEventId, toTimelineEvent } from '../../lib/events';

const event = (fields: Record<string, unknown> = {}): EventInput =>
  EventInput.parse({ date: '-0043-03-15', title: 'Caesar assassinated', ...fields });

const DIGEST = '[0-9a-f]{12}';

describe('events', () => {
  describe('deriveEventId', () => {
    it('derives the same id from the same date and title', () => {
      expect(deriveEventId(event())).toBe(deriveEventId(event()));
    });

    it('is a readable slug of the title followed by a 12-digit hex digest', () => {
      expect(deriveEventId(event({ title: 'Caesar assassinated!' }))).toMatch(new RegExp(`^caesar-assassinated-${DIGEST}$`));
    });

    it.each([
      ['  --Second World War--  ', 'second-world-war'],
      ['S-400 & Iskander: 2022 strikes', 's-400-iskander-2022-strikes'],
      ['UPPER case', 'upper-case'],
    ])('slugs the title "%s" as "%s"', (title, slug) => {
      expect(deriveEventId(event({ title }))).toMatch(new RegExp(`^${slug}-${DIGEST}$`));
    });

    it.each([
      ['Zelenskyy meets Erdoğan', 'zelenskyy-meets-erdogan'],
      ['Café in Zürich', 'cafe-in-zurich'],
      ['Ångström', 'angstrom'],
    ])('folds the accents of "%s" into the slug "%s", as search folds them', (title, slug) => {
      expect(deriveEventId(event({ title }))).toMatch(new RegExp(`^${slug}-${DIGEST}$`));
    });

    it('cuts a long slug to 48 characters without leaving a hyphen at the cut', () => {
      const title = `${'a'.repeat(47)} bcd efg`;
      expect(deriveEventId(event({ title }))).toMatch(new RegExp(`^${'a'.repeat(47)}-${DIGEST}$`));
    });

    it.each(['北京奥运会开幕', 'Київ', 'القاهرة', '!!!', '—'])('is the digest alone when the title "%s" leaves no slug', (title) => {
      expect(deriveEventId(event({ title }))).toMatch(new RegExp(`^${DIGEST}$`));
    });

    it('tells apart two titles that both leave no slug', () => {
      expect(deriveEventId(event({ title: 'Київ' }))).not.toBe(deriveEventId(event({ title: 'Харків' })));
    });

    it('keeps the Latin part of a mixed title as the slug', () => {
      expect(deriveEventId(event({ title: 'Київ 2022' }))).toMatch(new RegExp(`^2022-${DIGEST}$`));
    });

    it.each<[string, Record<string, unknown>]>([
      ['day', { date: '-0043-03-16' }],
      ['year', { date: '0043-03-15' }],
      ['precision', { date: '-0043-03' }],
      ['end', { date: { start: '-0043-03-15', end: '-0043-03-16' } }],
      ['title with the same slug', { title: 'Caesar  assassinated!' }],
      ['title case', { title: 'caesar assassinated' }],
    ])('differs when the %s differs', (_, fields) => {
      expect(deriveEventId(event(fields))).not.toBe(deriveEventId(event()));
    });

    it.each<[string, Record<string, unknown>]>([
      ['text', { text: 'In the Theatre of Pompey.' }],
      ['tags', { tags: ['murder'] }],
      ['places', { places: ['Rome'] }],
      ['people', { people: ['Julius Caesar'] }],
      ['sources', { sources: [{ url: 'https://example.org/' }] }],
      ['id', { id: 'ides' }],
    ])('ignores the %s', (_, fields) => {
      expect(deriveEventId(event(fields))).toBe(deriveEventId(event()));
    });

    it('gives a date cut down to a precision the id of the date as it reads after the cut', () => {
      expect(deriveEventId(event({ date: { start: '-0043-03-15', precision: 'month' } }))).toBe(deriveEventId(event({ date: '-0043-03' })));
    });

    it.each(['Caesar assassinated', 'x'.repeat(300), '北京', 'a.b_c~d', '9 / 11'])('makes a valid event id from the title %j', (title) => {
      expect(EventId.safeParse(deriveEventId(event({ title }))).success).toBe(true);
    });
  });

  describe('contentHash', () => {
    it('is a hex SHA-256', () => {
      expect(contentHash(event())).toMatch(/^[0-9a-f]{64}$/);
    });

    it('is the same for the same content', () => {
      expect(contentHash(event({ tags: ['war'] }))).toBe(contentHash(event({ tags: ['war'] })));
    });

    it('ignores the id', () => {
      expect(contentHash(event({ id: 'ides' }))).toBe(contentHash(event()));
      expect(contentHash(event({ id: 'ides' }))).toBe(contentHash(event({ id: 'other' })));
    });

    it('does not depend on the order the fields were written in', () => {
      const a = EventInput.parse({ title: 'T', date: { precision: 'day', start: '2022-06-21' }, tags: ['war'], sources: [{ title: 'S', url: 'https://example.org/' }] });
      const b = EventInput.parse({ sources: [{ url: 'https://example.org/', title: 'S' }], tags: ['war'], date: { start: '2022-06-21', precision: 'day' }, title: 'T' });
      expect(contentHash(a)).toBe(contentHash(b));
    });

    it.each<[string, Record<string, unknown>]>([
      ['date', { date: '-0043-03-16' }],
      ['precision', { date: { start: '-0043-03-15', precision: 'month' } }],
      ['end', { date: { start: '-0043-03-15', end: '-0043-03-16' } }],
      ['title', { title: 'Caesar assassinated.' }],
      ['text', { text: 'x' }],
      ['tags', { tags: ['murder'] }],
      ['places', { places: ['Rome'] }],
      ['people', { people: ['Brutus'] }],
      ['source url', { sources: [{ url: 'https://example.org/other' }] }],
      ['number of sources', { sources: [{ url: 'https://example.org/' }, { url: 'https://example.org/' }] }],
      ['source title', { sources: [{ url: 'https://example.org/', title: 'Plutarch' }] }],
    ])('changes when the %s changes', (_, fields) => {
      const base = event({ sources: [{ url: 'https://example.org/' }] });
      const changed = event({ sources: [{ url: 'https://example.org/' }], ...fields });
      expect(contentHash(changed)).not.toBe(contentHash(base));
    });

    it('changes when list items move', () => {
      expect(contentHash(event({ tags: ['a', 'b'] }))).not.toBe(contentHash(event({ tags: ['b', 'a'] })));
    });

    it('tells apart a value split differently between fields', () => {
      expect(contentHash(event({ tags: ['a'], places: [] }))).not.toBe(contentHash(event({ tags: [], places: ['a'] })));
    });
  });

  describe('toTimelineEvent', () => {
    const NOW = '2024-05-01T12:00:00.000Z';
    const EARLIER = '2023-01-01T00:00:00.000Z';

    it('builds a stored event created and updated now', () => {
      const input = event({ id: 'ides', tags: ['murder'] });
      expect(toTimelineEvent('rome', input, NOW)).toStrictEqual({ ...input, id: 'ides', timeline: 'rome', createdAt: NOW, updatedAt: NOW });
    });

    it('keeps the creation time of a previous version and updates the rest', () => {
      const stored = toTimelineEvent('rome', event({ id: 'ides' }), NOW, { createdAt: EARLIER });
      expect([stored.createdAt, stored.updatedAt]).toStrictEqual([EARLIER, NOW]);
    });

    it('derives the id when the input has none', () => {
      const input = event();
      expect(toTimelineEvent('rome', input, NOW).id).toBe(deriveEventId(input));
    });

    it('keeps the id the input gives', () => {
      expect(toTimelineEvent('rome', event({ id: 'ides' }), NOW).id).toBe('ides');
    });

    it('builds an event the TimelineEvent schema accepts', () => {
      const stored = toTimelineEvent('rome', event({ places: ['Rome'] }), NOW, { createdAt: EARLIER });
      expect(TimelineEvent.parse(stored)).toStrictEqual(stored);
    });
  });
});
