/**
 * The search page: a timeline picker, the search box, a date range, the histogram of matches (bars
 * narrow the range), facet chips, highlighted results with infinite scroll, and a TimelineJS view.
 * The URL holds the search, so it can be shared and opened directly.
 */
import { ApiError, createClient, timelineJsEmbedUrl, type SearchResult, type TimelineSearchClient, type TimelineSummary } from '../../lib/client';
import { activeFilterChips, coarseButtons, countText, el, facetChips, histogramBars, hitItem, rovingFocus, type Range } from './render';
import { FILTER_FIELDS, readState, searchParams, toggleFilter, withRange, writeState, type FilterField, type PageState, type Sort } from './state';

/** Results fetched per page (the API allows up to 100). */
const PAGE_SIZE = 20;
/** The timeline chosen when the URL names none and the API has it. */
const DEFAULT_TIMELINE = 'world-history';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

const view = {
  form: byId<HTMLFormElement>('search-form'),
  timeline: byId<HTMLSelectElement>('timeline'),
  q: byId<HTMLInputElement>('q'),
  from: byId<HTMLInputElement>('from'),
  to: byId<HTMLInputElement>('to'),
  sort: byId<HTMLSelectElement>('sort'),
  clearDates: byId<HTMLButtonElement>('clear-dates'),
  status: byId<HTMLParagraphElement>('status'),
  error: byId<HTMLParagraphElement>('error'),
  activeFilters: byId<HTMLDivElement>('active-filters'),
  histogramSection: byId<HTMLElement>('histogram-section'),
  bars: byId<HTMLDivElement>('histogram-bars'),
  axisFirst: byId<HTMLSpanElement>('axis-first'),
  axisLast: byId<HTMLSpanElement>('axis-last'),
  coarse: byId<HTMLDivElement>('coarse'),
  facets: byId<HTMLElement>('facets'),
  resultsHeading: byId<HTMLHeadingElement>('results-heading'),
  hits: byId<HTMLOListElement>('hits'),
  sentinel: byId<HTMLDivElement>('sentinel'),
  loadMore: byId<HTMLButtonElement>('load-more'),
  timelineJs: byId<HTMLAnchorElement>('timelinejs-link'),
  timelineJsJson: byId<HTMLAnchorElement>('timelinejs-json'),
  openApi: byId<HTMLAnchorElement>('openapi-link'),
};

/** How a new state reaches the browser history. */
type HistoryMode = 'push' | 'replace' | 'none';

class SearchPage {
  private state: PageState = readState(location.search);
  private cursor: string | undefined;
  private total = 0;
  private readonly shown = new Set<string>();
  private controller: AbortController | undefined;
  private loadingMore = false;
  private readonly observer: IntersectionObserver;

  constructor(private readonly api: TimelineSearchClient) {
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void this.loadMore();
    }, { rootMargin: '0px 0px 400px 0px' });
    this.observer.observe(view.sentinel);
    this.wire();
  }

  /** Fills the timeline picker, then runs the search the URL holds. */
  async start(): Promise<void> {
    this.fillForm();
    let timelines: TimelineSummary[] = [];
    try {
      timelines = await this.api.timelines();
    } catch (error) {
      this.showError(error);
    }
    const names = timelines.map((timeline) => timeline.name);
    const chosen = this.state.timeline || (names.includes(DEFAULT_TIMELINE) ? DEFAULT_TIMELINE : (names[0] ?? ''));
    view.timeline.replaceChildren(
      ...timelines.map((timeline) => new Option(`${timeline.name} (${countText(timeline.events)})`, timeline.name)),
    );
    // A timeline shared in a link may not be indexed yet; keep it choosable.
    if (chosen && !names.includes(chosen)) view.timeline.prepend(new Option(chosen, chosen));
    if (!chosen) {
      view.timeline.replaceChildren(new Option('No timelines yet', ''));
      view.status.textContent = 'No timelines yet: post events to the API first.';
      return;
    }
    await this.run({ ...this.state, timeline: chosen }, 'replace');
  }

  private wire(): void {
    view.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run(this.formState(), 'push');
    });
    view.timeline.addEventListener('change', () => void this.run(this.formState(), 'push'));
    view.sort.addEventListener('change', () => void this.run(this.formState(), 'push'));
    view.clearDates.addEventListener('click', () => void this.run({ ...this.formState(), from: '', to: '' }, 'push'));
    view.loadMore.addEventListener('click', () => void this.loadMore());
    window.addEventListener('popstate', () => void this.run(readState(location.search), 'none'));
    rovingFocus(view.bars);
  }

  /** The state the form asks for; a different timeline drops the facet filters, which belong to the old one. */
  private formState(): PageState {
    const timeline = view.timeline.value;
    const keepFilters = timeline === this.state.timeline;
    return {
      ...this.state,
      timeline,
      q: view.q.value.trim(),
      from: view.from.value.trim(),
      to: view.to.value.trim(),
      sort: view.sort.value as Sort,
      ...(keepFilters ? {} : { tag: [], place: [], person: [] }),
    };
  }

  private fillForm(): void {
    const { timeline, q, from, to, sort } = this.state;
    if (timeline && ![...view.timeline.options].some((option) => option.value === timeline)) view.timeline.prepend(new Option(timeline, timeline));
    view.timeline.value = timeline;
    view.q.value = q;
    view.from.value = from;
    view.to.value = to;
    view.sort.value = sort;
  }

  /** Runs a new search for a state: the first page replaces what was shown. */
  private async run(state: PageState, mode: HistoryMode): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.state = state;
    this.cursor = undefined;
    this.loadingMore = false;
    const url = `${location.pathname}${writeState(state)}`;
    if (mode === 'push' && url !== `${location.pathname}${location.search}`) history.pushState(null, '', url);
    else if (mode !== 'none') history.replaceState(null, '', url);
    this.fillForm();
    this.renderFilters();
    this.updateViews();
    document.title = `${state.q ? `${state.q} – ` : ''}${state.timeline} – timeline-search`;
    view.status.textContent = 'Searching…';
    view.hits.setAttribute('aria-busy', 'true');
    try {
      const result = await this.api.search(state.timeline, { ...searchParams(state), limit: PAGE_SIZE }, { signal: controller.signal });
      if (controller !== this.controller) return;
      this.hideError();
      this.total = result.total;
      this.shown.clear();
      view.hits.replaceChildren();
      this.renderHistogram(result);
      this.renderFacets(result);
      this.append(result);
    } catch (error) {
      if (controller !== this.controller || isAbort(error)) return;
      this.total = 0;
      this.shown.clear();
      view.hits.replaceChildren();
      view.histogramSection.hidden = true;
      view.facets.hidden = true;
      view.loadMore.hidden = true;
      view.status.textContent = '';
      this.showError(error);
    } finally {
      if (controller === this.controller) view.hits.removeAttribute('aria-busy');
    }
  }

  /** Fetches the next page after the cursor and appends the hits not shown yet. */
  private async loadMore(): Promise<void> {
    const controller = this.controller;
    if (!controller || this.loadingMore || !this.cursor) return;
    this.loadingMore = true;
    view.loadMore.disabled = true;
    view.loadMore.textContent = 'Loading…';
    try {
      const result = await this.api.search(this.state.timeline, { ...searchParams(this.state), limit: PAGE_SIZE, cursor: this.cursor }, { signal: controller.signal });
      if (controller !== this.controller) return;
      this.append(result);
    } catch (error) {
      if (controller !== this.controller || isAbort(error)) return;
      this.showError(error);
    } finally {
      if (controller === this.controller) {
        this.loadingMore = false;
        view.loadMore.disabled = false;
        view.loadMore.textContent = 'Load more';
      }
    }
  }

  private append(result: SearchResult): void {
    const fresh = result.hits.filter((hit) => !this.shown.has(hit.id));
    for (const hit of fresh) this.shown.add(hit.id);
    view.hits.append(...fresh.map(hitItem));
    this.cursor = result.nextCursor;
    view.loadMore.hidden = !this.cursor;
    view.status.textContent =
      this.total === 0
        ? 'No events found. Try fewer words, another spelling or a wider date range.'
        : `${countText(this.total)} found${this.shown.size < this.total ? `, showing ${this.shown.size.toLocaleString('en')}` : ''}.`;
    // The sentinel may still be in view after a short page: observe it afresh so that it reports again.
    this.observer.unobserve(view.sentinel);
    if (this.cursor) this.observer.observe(view.sentinel);
  }

  private renderHistogram(result: SearchResult): void {
    const { histogram } = result;
    const pick = (range: Range) => this.narrow((state) => withRange(state, range));
    view.bars.replaceChildren(...histogramBars(histogram, pick));
    view.bars.setAttribute('aria-label', `Matches by ${histogram.interval}: choose a period to narrow the dates`);
    view.axisFirst.textContent = histogram.buckets[0]?.label ?? '';
    view.axisLast.textContent = histogram.buckets.length > 1 ? (histogram.buckets.at(-1)?.label ?? '') : '';
    const coarse = coarseButtons(histogram, pick);
    view.coarse.replaceChildren(...(coarse.length ? [el('span', 'hint', 'Dated less precisely:'), ...coarse] : []));
    view.coarse.hidden = coarse.length === 0;
    view.histogramSection.hidden = histogram.buckets.length === 0 && coarse.length === 0;
  }

  private renderFacets(result: SearchResult): void {
    const toggle = (field: FilterField, value: string) => this.narrow((state) => toggleFilter(state, field, value));
    const values = { tag: result.facets.tags, place: result.facets.places, person: result.facets.people };
    let any = false;
    for (const field of FILTER_FIELDS) {
      const group = view.facets.querySelector<HTMLElement>(`.facet-group[data-field="${field}"]`)!;
      const chips = facetChips(field, values[field], this.state, toggle);
      group.querySelector('ul')!.replaceChildren(...chips);
      group.hidden = chips.length === 0;
      any ||= chips.length > 0;
    }
    view.facets.hidden = !any;
  }

  private renderFilters(): void {
    const chips = activeFilterChips(this.state, (field, value) => this.narrow((state) => toggleFilter(state, field, value)));
    view.activeFilters.replaceChildren(...(chips.length ? [el('span', 'hint', 'Filters:'), ...chips] : []));
    view.activeFilters.hidden = chips.length === 0;
  }

  /** A new search from a bar or chip; focus goes to the results, since the button pressed is redrawn. */
  private narrow(change: (state: PageState) => PageState): void {
    view.resultsHeading.focus({ preventScroll: true });
    void this.run(change(this.state), 'push');
  }

  private updateViews(): void {
    const params = searchParams(this.state);
    const exportUrl = new URL(this.api.timelineJsUrl(this.state.timeline, params), location.href).href;
    view.timelineJs.href = timelineJsEmbedUrl(exportUrl);
    view.timelineJs.setAttribute('aria-label', 'TimelineJS view of these results (opens in a new tab)');
    view.timelineJsJson.href = exportUrl;
    view.timelineJsJson.setAttribute('aria-label', 'These results as TimelineJS JSON (opens in a new tab)');
  }

  private showError(error: unknown): void {
    view.error.textContent = error instanceof ApiError ? error.message : `The search service could not be reached (${error instanceof Error ? error.message : String(error)}).`;
    view.error.hidden = false;
  }

  private hideError(): void {
    view.error.hidden = true;
    view.error.textContent = '';
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Where the API is: `config.json` beside the page says so when the page is hosted apart from it (CloudFront). */
async function apiBase(): Promise<string> {
  try {
    const response = await fetch('config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return '';
    const config: unknown = await response.json();
    const url = typeof config === 'object' && config !== null && 'apiUrl' in config ? config.apiUrl : undefined;
    return typeof url === 'string' ? url : '';
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const base = await apiBase();
  view.openApi.href = `${base.replace(/\/+$/, '')}/openapi.json`;
  await new SearchPage(createClient({ baseUrl: base })).start();
}

void main();
