/**
 * What the page shows, kept in its URL (`?timeline=&q=&from=&to=&tag=&place=&person=&sort=`), so a
 * search can be shared, bookmarked and opened directly, and the back button goes to the previous one.
 */
import type { SearchParams } from '../../lib/client';

/** The facet fields a search can be filtered by, as URL and API parameters. */
export const FILTER_FIELDS = ['tag', 'place', 'person'] as const;
/** One facet field. */
export type FilterField = (typeof FILTER_FIELDS)[number];

const SORTS = ['relevance', 'date', '-date'] as const;
/** The orders a search can have; '' leaves it to the API (relevance with words, date without). */
export type Sort = '' | (typeof SORTS)[number];

/** The state of the page. */
export interface PageState {
  timeline: string;
  q: string;
  from: string;
  to: string;
  tag: string[];
  place: string[];
  person: string[];
  sort: Sort;
}

/** The state of an empty page. */
export const EMPTY_STATE: PageState = { timeline: '', q: '', from: '', to: '', tag: [], place: [], person: [], sort: '' };

/** Reads the state from a URL's query string; unknown parameters are ignored. */
export function readState(search: string): PageState {
  const params = new URLSearchParams(search);
  const text = (name: string) => (params.get(name) ?? '').trim();
  const list = (name: string) => [...new Set(params.getAll(name).map((value) => value.trim()).filter(Boolean))];
  const sort = text('sort');
  return {
    timeline: text('timeline'),
    q: text('q'),
    from: text('from'),
    to: text('to'),
    tag: list('tag'),
    place: list('place'),
    person: list('person'),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : '',
  };
}

/** The query string of a state, empty parameters left out: `?timeline=world-history&q=sarmat`. */
export function writeState(state: PageState): string {
  const params = new URLSearchParams();
  for (const name of ['timeline', 'q', 'from', 'to'] as const) if (state[name]) params.set(name, state[name]);
  for (const field of FILTER_FIELDS) for (const value of state[field]) params.append(field, value);
  if (state.sort) params.set('sort', state.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The search parameters of a state, for the client. */
export function searchParams(state: PageState): SearchParams {
  return {
    q: state.q,
    ...(state.from ? { from: state.from } : {}),
    ...(state.to ? { to: state.to } : {}),
    tag: state.tag,
    place: state.place,
    person: state.person,
    ...(state.sort ? { sort: state.sort } : {}),
  };
}

/** The state with a facet filter switched on, or off when it was on. */
export function toggleFilter(state: PageState, field: FilterField, value: string): PageState {
  const values = state[field];
  return { ...state, [field]: values.includes(value) ? values.filter((v) => v !== value) : [...values, value] };
}

/** The state narrowed to a date range. */
export function withRange(state: PageState, range: { from: string; to: string }): PageState {
  return { ...state, from: range.from, to: range.to };
}

/** Whether two states ask the same search. */
export function sameState(a: PageState, b: PageState): boolean {
  return writeState(a) === writeState(b);
}
