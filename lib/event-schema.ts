import { z } from '@hono/zod-openapi';
import { DateError, displaySpan, formatIsoDate, parseIsoDate, precisionOf, Precision, sortKey, type DatePoint } from './dates';

/**
 * Limits keep the largest possible event (about 230 KB of UTF-8 at 4 bytes a character)
 * well under DynamoDB's 400 KB item limit, index attributes included.
 */
export const EVENT_LIMITS = {
  idLength: 128,
  titleLength: 300,
  textLength: 20_000,
  listItems: 50,
  listItemLength: 200,
  sources: 20,
  urlLength: 2048,
  batchSize: 1000,
} as const;

/** Timeline names are URL slugs. */
export const TimelineName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a timeline name is 1-63 lowercase letters, digits or hyphens, starting with a letter or digit')
  .openapi({ example: 'ukraine-2022' });

/** Event ids are URL-safe so they can sit in a path unescaped. */
export const EventId = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9._~-]{0,${EVENT_LIMITS.idLength - 1}}$`),
    `an id is 1-${EVENT_LIMITS.idLength} letters, digits, ".", "_", "~" or "-", starting with a letter or digit`,
  )
  .openapi({ example: 'battle-of-lysychansk' });

const IsoDateText = z
  .string()
  .max(40)
  .superRefine((text, ctx) => {
    try {
      parseIsoDate(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof DateError ? error.message : String(error) });
    }
  })
  .openapi({
    description:
      'ISO 8601 in astronomical year numbering: year 0 is 1 BC and -0043 is 44 BC. `2022`, `2022-06`, `2022-06-21`, `2022-06-21T14:30`, `-0043-03-15`.',
    example: '2022-06-21',
  });

const DateObjectInput = z.strictObject({
  start: IsoDateText,
  end: IsoDateText.optional().openapi({ description: 'Last moment of a span, inclusive, at its own precision.' }),
  precision: z.enum(Precision).optional().openapi({ description: 'Defaults to the precision of `start` as written.' }),
});

/** A date as clients send it: an ISO string or a `{ start, end?, precision? }` object. */
export const EventDateInput = z
  .union([IsoDateText, DateObjectInput])
  .transform((input, ctx) => normalizeDate(typeof input === 'string' ? { start: input } : input, ctx))
  .openapi({ description: 'A day, month or year, or a span from `start` to `end`.' });

/** A date as the API answers it. */
export const EventDate = z
  .object({
    start: z.string().openapi({ example: '-0043-03-15' }),
    end: z.string().optional(),
    precision: z.enum(Precision),
    display: z.string().openapi({ example: '15 March 44 BC' }),
  })
  .openapi('EventDate');
export type EventDate = z.infer<typeof EventDate>;

const shortText = z.string().trim().min(1).max(EVENT_LIMITS.listItemLength);
// A value listed twice is kept once, so facet counts never exceed the number of events.
const list = z
  .array(shortText)
  .max(EVENT_LIMITS.listItems)
  .default([])
  .transform((values) => [...new Set(values)]);

/** Where an event was reported. */
export const Source = z
  .strictObject({
    // Only web links: a javascript: or data: URL would run script in a frontend that links sources.
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(EVENT_LIMITS.urlLength),
    title: shortText.optional(),
    publisher: shortText.optional(),
    publishedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
  })
  .openapi('Source');
export type Source = z.infer<typeof Source>;

/** The fields a client writes; `id` is derived from date and title when omitted. */
export const EventInput = z
  .object({
    id: EventId.optional(),
    date: EventDateInput,
    title: z.string().trim().min(1).max(EVENT_LIMITS.titleLength),
    text: z.string().max(EVENT_LIMITS.textLength).default(''),
    tags: list,
    places: list,
    people: list,
    sources: z.array(Source).max(EVENT_LIMITS.sources).default([]),
  })
  .strict()
  .openapi('EventInput');
export type EventInput = z.infer<typeof EventInput>;

/** A stored event as the API answers it. */
export const TimelineEvent = EventInput.extend({
  id: EventId,
  timeline: TimelineName,
  date: EventDate,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}).openapi('Event');
export type TimelineEvent = z.infer<typeof TimelineEvent>;

/** Sort keys of an event's span: where it starts and where it ends, precision taken as the whole period. */
export function spanKeys(date: EventDate): { startKey: string; endKey: string } {
  return {
    startKey: sortKey(parseIsoDate(date.start), 'start'),
    endKey: sortKey(parseIsoDate(date.end ?? date.start), 'end'),
  };
}

function normalizeDate(
  input: { start: string; end?: string; precision?: Precision },
  ctx: z.RefinementCtx,
): EventDate {
  const start = parseIsoDate(input.start);
  const end = input.end === undefined ? undefined : parseIsoDate(input.end);
  const precision = input.precision ?? precisionOf(start);
  if (!fitsPrecision(start, precision)) {
    ctx.addIssue({ code: 'custom', message: `start "${input.start}" is less precise than the precision "${precision}"` });
    return z.NEVER;
  }
  if (end && sortKey(end, 'end') < sortKey(start, 'start')) {
    ctx.addIssue({ code: 'custom', message: `end "${input.end}" is before start "${input.start}"` });
    return z.NEVER;
  }
  const coarseStart = truncate(start, precision);
  return {
    start: formatIsoDate(coarseStart),
    ...(end ? { end: formatIsoDate(end) } : {}),
    precision,
    display: displaySpan(coarseStart, end),
  };
}

function fitsPrecision(point: DatePoint, precision: Precision): boolean {
  if (precision === 'day') return point.day !== undefined;
  if (precision === 'month') return point.month !== undefined;
  return true;
}

/** A more precise start than declared is cut down, so "2022-06-21" with precision "month" means June 2022. */
function truncate(point: DatePoint, precision: Precision): DatePoint {
  if (precision === 'year') return { year: point.year };
  if (precision === 'month') return { year: point.year, month: point.month };
  return point;
}
