import { z } from '@hono/zod-openapi';
import { Interval } from '../dates';
import { EventDate } from '../event-schema';
import { Facets, Histogram } from './aggregations';

const repeatable = (description: string) =>
  z
    .union([z.string().max(200), z.array(z.string().max(200)).max(20)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
    .openapi({ description, type: 'array', items: { type: 'string' } });

/** Query parameters of a search. */
export const SearchQuery = z.object({
  q: z
    .string()
    .max(1000)
    .default('')
    .openapi({
      description:
        'Words (all must match), "exact phrase", -excluded, a OR b, prefix*, word~ (typo), title:, text:, tag:, place:, person:, and before:/after:/during: with any date form `from` accepts.',
      example: 'place:Lysychansk shelling after:"June 2022"',
    }),
  from: z.string().max(100).optional().openapi({ description: '`2022`, `2022-06`, `2022-06-21`, `-0043`, `44 BC`, `June 2022`, `1990s`, `3rd century BC`.' }),
  to: z.string().max(100).optional().openapi({ description: 'Inclusive: `to=2022` reaches 31 December 2022.' }),
  tag: repeatable('Only events with this tag (repeat for all of several).'),
  place: repeatable('Only events at this place.'),
  person: repeatable('Only events naming this person.'),
  sort: z.enum(['relevance', 'date', '-date']).optional().openapi({ description: 'Defaults to relevance with words, date without.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  interval: z.enum(Interval).optional().openapi({ description: 'Histogram interval; chosen from the range when omitted.' }),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** One search result. */
export const SearchHit = z
  .object({
    id: z.string(),
    date: EventDate,
    title: z.string(),
    score: z.number(),
    tags: z.array(z.string()),
    places: z.array(z.string()),
    people: z.array(z.string()),
    titleHtml: z.string().openapi({ description: 'The title, HTML-escaped, matched words in <mark>.' }),
    snippet: z.string().openapi({ description: 'A window of the text, HTML-escaped, matched words in <mark>.' }),
    matchedFields: z.array(z.string()),
  })
  .openapi('SearchHit');
export type SearchHit = z.infer<typeof SearchHit>;

/** A page of search results with aggregations over all matches. */
export const SearchResult = z
  .object({
    total: z.number().int(),
    hits: z.array(SearchHit),
    facets: Facets,
    histogram: Histogram,
    nextCursor: z.string().optional(),
    took: z.number().openapi({ description: 'Milliseconds spent answering.' }),
  })
  .openapi('SearchResult');
export type SearchResult = z.infer<typeof SearchResult>;
