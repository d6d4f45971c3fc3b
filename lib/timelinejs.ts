import { z } from '@hono/zod-openapi';
import { displayDate, parseIsoDate } from './dates';
import type { SearchHit } from './search/search-schema';
import { escapeHtml } from './search/snippets';

/**
 * Knight Lab's TimelineJS JSON format (timeline.knightlab.com/docs/json-format.html): a document of
 * "slides", each with `start_date`/`end_date` date objects and a `text` object whose fields TimelineJS
 * renders as HTML.
 */

/** A TimelineJS date object: numbers, `year` in TimelineJS's own numbering (see {@link timelineJsYear}). */
export const TimelineJsDate = z
  .object({
    year: z.number().int(),
    month: z.number().int().min(1).max(12).optional(),
    day: z.number().int().min(1).max(31).optional(),
    hour: z.number().int().min(0).max(23).optional(),
    minute: z.number().int().min(0).max(59).optional(),
    second: z.number().int().min(0).max(59).optional(),
    display_date: z.string().optional(),
  })
  .openapi('TimelineJsDate');
export type TimelineJsDate = z.infer<typeof TimelineJsDate>;

/** A TimelineJS text object; both fields are HTML. */
export const TimelineJsText = z.object({ headline: z.string(), text: z.string() }).openapi('TimelineJsText');
export type TimelineJsText = z.infer<typeof TimelineJsText>;

/** One event slide. */
export const TimelineJsEvent = z
  .object({
    start_date: TimelineJsDate,
    end_date: TimelineJsDate.optional(),
    display_date: z.string().optional(),
    text: TimelineJsText,
    group: z.string().optional(),
    unique_id: z.string(),
  })
  .openapi('TimelineJsEvent');
export type TimelineJsEvent = z.infer<typeof TimelineJsEvent>;

/** The document a TimelineJS embed reads from its `source` URL. */
export const TimelineJsDocument = z
  .object({
    title: z.object({ text: TimelineJsText }).optional(),
    events: z.array(TimelineJsEvent),
  })
  .openapi('TimelineJsDocument');
export type TimelineJsDocument = z.infer<typeof TimelineJsDocument>;

/**
 * The year TimelineJS needs to show an astronomical year right. TimelineJS prints a negative year
 * as its absolute value with "BCE", so astronomical -43 (44 BC) goes out as -44 and year 0 (1 BC) as -1.
 *
 * @example timelineJsYear(-43) // -44, shown "44 BCE"
 */
export function timelineJsYear(year: number): number {
  return year <= 0 ? year - 1 : year;
}

/** A TimelineJS date object for an ISO date of ours, only as precise as it is known ("2022-06" has no day). */
export function timelineJsDate(iso: string): TimelineJsDate {
  const point = parseIsoDate(iso);
  const date: TimelineJsDate = { year: timelineJsYear(point.year) };
  if (point.month !== undefined) date.month = point.month;
  if (point.day !== undefined) date.day = point.day;
  if (point.time !== undefined) {
    const [hour, minute, second] = point.time.split(':').map(Number);
    date.hour = hour;
    date.minute = minute;
    if (second !== undefined) date.second = second;
  }
  date.display_date = escapeHtml(displayDate(point));
  return date;
}

/** Turns a search hit into a slide; every field TimelineJS renders as HTML is escaped. */
export function timelineJsEvent(hit: SearchHit): TimelineJsEvent {
  const details = [hit.places, hit.people].flat();
  return {
    start_date: timelineJsDate(hit.date.start),
    ...(hit.date.end ? { end_date: timelineJsDate(hit.date.end), display_date: escapeHtml(hit.date.display) } : {}),
    text: {
      headline: escapeHtml(hit.title),
      // The snippet is escaped by the search, with only <mark> added around the matched words.
      text: `<p>${hit.snippet}</p>${details.length > 0 ? `<p>${escapeHtml(details.join(' · '))}</p>` : ''}`,
    },
    ...(hit.tags[0] ? { group: escapeHtml(hit.tags[0]) } : {}),
    unique_id: hit.id,
  };
}

/** What the title slide says about the search a document was made from. */
export interface TimelineJsTitle {
  readonly timeline: string;
  /** Matches of the search in all. */
  readonly total: number;
  /** A plain-text account of the search ("sarmat, from 2022 to 2023"); empty for the whole timeline. */
  readonly description: string;
}

/** Builds a TimelineJS document from hits in date order and the search they came from. */
export function timelineJsDocument(hits: readonly SearchHit[], title: TimelineJsTitle): TimelineJsDocument {
  const shown = hits.length < title.total ? `the first ${hits.length} of ${title.total} events, by date` : `${title.total} ${title.total === 1 ? 'event' : 'events'}`;
  const text = title.description ? `${shown}: ${title.description}` : shown;
  return {
    title: { text: { headline: escapeHtml(title.timeline), text: `<p>${escapeHtml(text)}</p>` } },
    events: hits.map(timelineJsEvent),
  };
}
