/**
 * Builds the page's pieces from API answers. Every string from the API reaches the page through
 * text nodes: highlights are split into text and `<mark>` elements by `highlightParts`, never parsed as HTML.
 */
import { bucketRange, highlightParts, type Facets, type Histogram, type SearchHit } from '../../lib/client';
import { FILTER_FIELDS, type FilterField, type PageState } from './state';

/** A date range a histogram bar or period narrows the search to. */
export interface Range {
  from: string;
  to: string;
}

/** Creates an element with a class and text (set as text, never as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Fills an element with highlighted text from the API's `titleHtml` or `snippet`. */
export function fillHighlighted(target: HTMLElement, html: string): void {
  target.replaceChildren(
    ...highlightParts(html).map((part) => (part.mark ? el('mark', '', part.text) : document.createTextNode(part.text))),
  );
}

/** One result: title and snippet highlighted, the date as precisely as it is known, tags, places and people. */
export function hitItem(hit: SearchHit): HTMLLIElement {
  const item = el('li', 'hit');
  item.dataset.id = hit.id;
  const article = el('article');
  const title = el('h3', 'hit-title');
  title.id = `hit-${hit.id}`;
  fillHighlighted(title, hit.titleHtml);
  article.setAttribute('aria-labelledby', title.id);

  const date = el('p', 'hit-date');
  const time = el('time', '', hit.date.display);
  // A machine-readable date only where HTML has one: it knows no years before 1.
  if (!hit.date.start.startsWith('-') && !hit.date.start.startsWith('0000')) time.dateTime = hit.date.start;
  date.append(time);
  article.append(title, date);

  if (hit.snippet) {
    const snippet = el('p', 'hit-snippet');
    fillHighlighted(snippet, hit.snippet);
    article.append(snippet);
  }
  const meta = [
    ['Tags', hit.tags],
    ['Places', hit.places],
    ['People', hit.people],
  ] as const;
  const details = meta.filter(([, values]) => values.length > 0);
  if (details.length > 0) {
    const list = el('dl', 'hit-meta');
    for (const [label, values] of details) list.append(el('dt', '', label), el('dd', '', values.join(', ')));
    article.append(list);
  }
  item.append(article);
  return item;
}

/** Histogram bars as buttons (one tab stop, arrow keys between them); empty periods are drawn but not focusable. */
export function histogramBars(histogram: Histogram, onPick: (range: Range, label: string) => void): HTMLElement[] {
  const max = Math.max(1, ...histogram.buckets.map((bucket) => bucket.count));
  let focusable = false;
  return histogram.buckets.map((bucket) => {
    const height = `${Math.max(2, Math.round((100 * bucket.count) / max))}%`;
    const label = `${bucket.label}: ${countText(bucket.count)}`;
    if (bucket.count === 0) {
      const empty = el('span', 'bar bar-empty');
      empty.title = label;
      empty.setAttribute('aria-hidden', 'true');
      return empty;
    }
    const bar = el('button', 'bar');
    bar.type = 'button';
    bar.setAttribute('aria-label', label);
    bar.title = label;
    bar.tabIndex = focusable ? -1 : 0;
    focusable = true;
    const range = bucketRange(bucket, histogram.interval);
    bar.dataset.from = range.from;
    bar.dataset.to = range.to;
    const fill = el('span', 'bar-fill');
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    fill.style.height = height;
    bar.append(fill);
    bar.addEventListener('click', () => onPick(range, bucket.label));
    return bar;
  });
}

/** Moves focus between the bars of a histogram with the arrow keys, Home and End (a roving tab stop). */
export function rovingFocus(container: HTMLElement): void {
  container.addEventListener('keydown', (event) => {
    const bars = [...container.querySelectorAll<HTMLButtonElement>('button.bar')];
    const index = bars.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: bars.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = bars[Math.min(bars.length - 1, Math.max(0, next))]!;
    for (const bar of bars) bar.tabIndex = bar === target ? 0 : -1;
    target.focus();
  });
}

/** Periods of matches known only to a coarser precision than the bars ("1900: 2 events"), as buttons too. */
export function coarseButtons(histogram: Histogram, onPick: (range: Range, label: string) => void): HTMLElement[] {
  return histogram.coarse.map((bucket) => {
    const button = el('button', 'chip', `${bucket.label} · ${bucket.count}`);
    button.type = 'button';
    button.setAttribute('aria-label', `${bucket.label}: ${countText(bucket.count)} (dated only to the ${bucket.precision})`);
    const range = bucketRange(bucket, bucket.precision);
    button.addEventListener('click', () => onPick(range, bucket.label));
    return button;
  });
}

/** Facet chips of one field; a chip already filtering is pressed, and pressing it again removes the filter. */
export function facetChips(field: FilterField, values: Facets['tags'], state: PageState, onToggle: (field: FilterField, value: string) => void): HTMLLIElement[] {
  return values.map(({ value, count }) => {
    const item = el('li');
    const chip = el('button', 'chip');
    chip.type = 'button';
    chip.dataset.field = field;
    chip.dataset.value = value;
    const active = state[field].includes(value);
    chip.setAttribute('aria-pressed', String(active));
    chip.setAttribute('aria-label', `${FIELD_NAMES[field]} ${value}: ${countText(count)}`);
    chip.append(el('span', 'chip-value', value), el('span', 'chip-count', String(count)));
    chip.addEventListener('click', () => onToggle(field, value));
    item.append(chip);
    return item;
  });
}

/** The filters in force, each a button that removes it. */
export function activeFilterChips(state: PageState, onToggle: (field: FilterField, value: string) => void): HTMLElement[] {
  return FILTER_FIELDS.flatMap((field) =>
    state[field].map((value) => {
      const chip = el('button', 'chip chip-active');
      chip.type = 'button';
      chip.dataset.field = field;
      chip.dataset.value = value;
      chip.setAttribute('aria-label', `Remove the ${FIELD_NAMES[field]} filter ${value}`);
      chip.append(el('span', 'chip-field', `${FIELD_NAMES[field]}:`), el('span', 'chip-value', value), el('span', 'chip-remove', '×'));
      chip.addEventListener('click', () => onToggle(field, value));
      return chip;
    }),
  );
}

/** "1 event", "3 events". */
export function countText(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'event' : 'events'}`;
}

const FIELD_NAMES: Record<FilterField, string> = { tag: 'tag', place: 'place', person: 'person' };
