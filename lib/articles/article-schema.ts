/** What the articles endpoint reads and answers, composed from the event schemas. */
import { z } from '@hono/zod-openapi';
import { EVENT_LIMITS, Source, TimelineEvent } from '../event-schema';
import { isTimeZone } from './local-day';

/** Limits of one posted article. */
export const ARTICLE_LIMITS = {
  textLength: 100_000,
  /** An article never yields more events than one batch write of events may hold. */
  events: EVENT_LIMITS.batchSize,
  titleLength: 120,
} as const;

/** How the date of an extracted event was found; see the README's "News rules". */
export const DateRule = [
  'explicit-date',
  'month-name',
  'year',
  'weekday-past',
  'weekday-future',
  'relative-days',
  'relative-months',
  'relative-years',
  'fortnight-ago',
  'overnight',
  'earlier-this-week',
  'this-week',
  'last-week',
  'next-week',
  'earlier-this-month',
  'this-month',
  'last-month',
  'next-month',
  'earlier-this-year',
  'this-year',
  'last-year',
  'next-year',
  'inherited',
  'publication-day',
] as const;
/** One of the date rules. */
export type DateRule = (typeof DateRule)[number];

const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: 'not a time zone this server knows: use an IANA name such as "Europe/Kyiv"' })
  .openapi({ description: 'IANA time zone the publication writes in; defaults to the offset of `publishedAt`.', example: 'Europe/Kyiv' });

/** A news article to turn into dated events: the source fields plus its text. */
export const ArticleInput = Source.partial({ url: true })
  .required({ publishedAt: true })
  .extend({
    text: z.string().trim().min(1).max(ARTICLE_LIMITS.textLength).openapi({ description: 'Plain text; a blank line (or a line break after a full stop) separates paragraphs.' }),
    timezone: TimeZone.optional(),
  })
  .strict()
  .openapi('ArticleInput');
export type ArticleInput = z.infer<typeof ArticleInput>;

/** Query of the articles endpoint. */
export const ArticleQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .openapi({ type: 'boolean', description: 'Preview the events without storing them.' }),
});

/** One sentence of an extracted event and what dated it. */
export const ArticleSentence = z.object({
  index: z.number().int().openapi({ description: 'Position of the sentence in the article, from 0.' }),
  text: z.string(),
  rule: z.enum(DateRule),
  expression: z.string().nullable().openapi({ description: 'The words that dated the sentence (for `inherited`, those of the sentence that set the scene).' }),
});
export type ArticleSentence = z.infer<typeof ArticleSentence>;

/** An extracted event: the event as written, and how it was dated, so a person can check it. */
export const ArticleEvent = z
  .object({
    event: TimelineEvent.omit({ timeline: true, createdAt: true, updatedAt: true }),
    expression: z.string().nullable(),
    rule: z.enum(DateRule),
    sentences: z.array(ArticleSentence),
  })
  .openapi('ArticleEvent');
export type ArticleEvent = z.infer<typeof ArticleEvent>;

/** What a dry run answers: the events that would be written. */
export const ArticlePreview = z.object({ events: z.array(ArticleEvent) }).openapi('ArticlePreview');

/** What posting an article did: its events and the ids created, replaced or left unchanged. */
export const ArticleReport = ArticlePreview.extend({
  created: z.array(z.string()),
  replaced: z.array(z.string()),
  unchanged: z.array(z.string()),
}).openapi('ArticleReport');
export type ArticleReport = z.infer<typeof ArticleReport>;
