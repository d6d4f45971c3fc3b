/**
 * The search page in a real browser: Debian's chromium driven by playwright-core, against the app
 * `npm start` serves (API + the built page) on a free port and the run's DynamoDB Local.
 */
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { timelineJsEmbedUrl } from '../../lib/client';
import { startLocalIndexer } from '../../lib/local-indexer';
import { buildWeb } from '../../scripts/build-web';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As this machine's notes prescribe: no sandbox as root, and no background connections to a closed network.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');
// Generous, for a run where every test file shares two cores.
const WAIT = { timeout: 15_000 };

const config = testConfig();
// A folder of its own, so a test run never rewrites the web/dist that `npm start` may be serving.
const webDir = mkdtempSync(join(tmpdir(), 'timeline-search-web-'));
// The app as `npm start` serves it: the API, then the built page.
const app = createApp({ config });
app.use('/*', serveStatic({ root: webDir }));
const timeline = uniqueTimeline('page');
const XSS = '<img src=x onerror="window.__xss=1">';

interface TestEvent {
  id: string;
  date: string;
  title: string;
  text?: string;
  tags?: string[];
  places?: string[];
  people?: string[];
}

// 100 harbour reports over 2021-2022 (every 25th known only to its month), two known only to the year
// 2021, BC events, unrelated weather notes, and one event whose every field is an XSS payload.
const harbour: TestEvent[] = Array.from({ length: 100 }, (_, i) => {
  const year = 2021 + Math.floor(i / 50);
  const month = String(1 + ((i * 7) % 12)).padStart(2, '0');
  const day = String(1 + ((i * 11) % 28)).padStart(2, '0');
  return {
    id: `h${String(i).padStart(3, '0')}`,
    date: i % 25 === 0 ? `${year}-${month}` : `${year}-${month}-${day}`,
    title: `Convoy ${i} reaches the harbour`,
    text: `Grain ships were loaded in the harbour under escort, report number ${i}.`,
    tags: i % 5 < 2 ? ['shipping', 'storm'] : ['shipping'],
    places: [i % 2 ? 'Odesa' : 'Mykolaiv'],
    ...(i % 10 === 0 ? { people: ['Oleh Kiper'] } : {}),
  };
});
const events: TestEvent[] = [
  ...harbour,
  { id: 'y2021a', date: '2021', title: 'Harbour dredging year', text: 'The harbour was dredged.', tags: ['works'] },
  { id: 'y2021b', date: '2021', title: 'Harbour master retires', tags: ['people'] },
  { id: 'ides', date: '-0043-03-15', title: 'Caesar assassinated', text: 'Stabbed in the Senate.', places: ['Rome'], people: ['Julius Caesar'] },
  { id: 'civil-war', date: '-0043', title: 'War of Mutina', places: ['Mutina'] },
  { id: 'pyramid', date: '-2560', title: 'Great Pyramid completed', places: ['Giza'] },
  ...Array.from({ length: 14 }, (_, i) => ({ id: `w${i}`, date: `2020-0${1 + (i % 9)}-1${i % 10}`, title: `Weather note ${i}`, text: 'Rain and wind.' })),
  { id: 'xss', date: '2022-06-15', title: XSS, text: `Payload ${XSS} in the text`, tags: [XSS], places: ['<b>Odesa</b>'] },
];
const harbourHits = events.filter((event) => /harbour/i.test(`${event.title} ${event.text ?? ''}`));

let server: ServerType;
let base: string;
let browser: Browser;
let page: Page;
const indexer = startLocalIndexer(config, { only: (record) => record.dynamodb?.Keys?.pk?.S === `TL#${timeline}` });
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed (${CHROMIUM} is missing), so the search page cannot be tested: run \`bash scripts/install-browser.sh\` (it installs Debian's chromium package), then run the tests again.`);
  }
  const [, posted] = await Promise.all([buildWeb({ outdir: webDir }), call(app, 'POST', `/v1/timelines/${timeline}/events`, events)]);
  expect(posted.status).toBe(201);
  await indexer.drain(60_000);
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Violations of the page's Content-Security-Policy are reported on the console.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await indexer.stop();
  rmSync(webDir, { recursive: true, force: true });
});

const hitIds = () => page.locator('#hits > li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));
const status = () => page.locator('#status').textContent();
const searchUrl = (query: string) => `${base}/?timeline=${timeline}&${query}`;
/** Waits for a search to finish: the status says how many were found. */
const settled = async (expected?: RegExp) => {
  await expect.poll(status, WAIT).toMatch(expected ?? /found/);
};

describe('the search page', () => {
  it('opens a shared search from its URL: hits with highlighted snippets and dates at their precision', async () => {
    await page.goto(searchUrl('q=harbour'));
    await settled(new RegExp(`^${harbourHits.length} events found, showing 20\\.$`));
    expect(await page.locator('#timeline').inputValue()).toBe(timeline);
    expect(await page.locator('#q').inputValue()).toBe('harbour');
    expect(await page.locator('#timeline option').allTextContents()).toContain(`${timeline} (${events.length} events)`);
    expect(await hitIds()).toHaveLength(20);
    expect(await page.locator('#hits .hit-title mark').first().textContent()).toMatch(/^harbour$/i);
    expect(await page.locator('#hits .hit-snippet mark').count()).toBeGreaterThan(0);
    const dates = await page.locator('#hits .hit-date').allTextContents();
    expect(dates.every((date) => /^((\d{1,2} )?[A-Z][a-z]+ )?20(21|22)$/.test(date))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-page.png') });
  });

  it('shows BC dates as written and reads date ranges typed in words', async () => {
    await page.fill('#q', '');
    await page.fill('#from', '44 BC');
    await page.fill('#to', '44 BC');
    await page.press('#to', 'Enter');
    await settled(/^2 events found\.$/);
    expect(page.url()).toBe(searchUrl('from=44+BC&to=44+BC'));
    expect(await page.locator('#hits .hit-date').allTextContents()).toEqual(['44 BC', '15 March 44 BC']);
  });

  it('says what is wrong with a date it cannot read', async () => {
    await page.fill('#from', 'the day after tomorrow');
    await page.press('#from', 'Enter');
    await expect.poll(() => page.locator('#error').textContent(), WAIT).toMatch(/the day after tomorrow/);
    expect(await page.locator('#error').getAttribute('role')).toBe('alert');
  });

  it('renders markup in events as text: no script runs, no element is injected', async () => {
    await page.goto(searchUrl('q=onerror'));
    await settled(/^1 event found\.$/);
    expect(await page.locator('#hits .hit-title').textContent()).toBe(XSS);
    expect(await page.locator('#hits .hit-title mark').textContent()).toBe('onerror');
    expect(await page.locator('#hits .hit-snippet').textContent()).toBe(`Payload ${XSS} in the text`);
    expect(await page.locator('#hits .hit-meta dd').allTextContents()).toEqual([XSS, '<b>Odesa</b>']);
    expect(await page.locator('#facets .chip[data-field="tag"] .chip-value').textContent()).toBe(XSS);
    expect(await page.locator('img, b, script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('narrows the date range to a histogram bar, by mouse or keyboard', async () => {
    await page.goto(searchUrl('q=harbour'));
    await settled(/showing 20/);
    const bars = page.locator('#histogram-bars button.bar');
    const labels = await bars.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label') ?? ''));
    expect(labels.length).toBeGreaterThan(12);
    expect(labels.every((label) => /^[A-Z][a-z]+ 202[12]: \d+ events?$/.test(label))).toBe(true);
    // One tab stop; the arrow keys, Home and End move between the bars.
    expect(await bars.evaluateAll((buttons) => buttons.filter((button) => (button as HTMLElement).tabIndex === 0).length)).toBe(1);
    await bars.first().focus();
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(labels.at(-1));
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(labels.at(-2));
    // Year-only reports are not pinned to January: they are offered as their own period.
    expect(await page.locator('#coarse .chip').allTextContents()).toEqual(['2021 · 2']);

    const june = labels.find((label) => label.startsWith('June 2022:'))!;
    const count = Number(/: (\d+) event/.exec(june)![1]);
    await page.locator(`#histogram-bars button[aria-label="${june}"]`).click();
    await settled(new RegExp(`^${count} events? found`));
    expect(page.url()).toBe(searchUrl('q=harbour&from=2022-06&to=2022-06'));
    expect(await page.locator('#from').inputValue()).toBe('2022-06');
    expect(await page.locator('#to').inputValue()).toBe('2022-06');
    const dates = await page.locator('#hits .hit-date').allTextContents();
    expect(dates).toHaveLength(count);
    expect(dates.every((date) => date.endsWith('June 2022'))).toBe(true);
    // Focus moved to the results, since the bar pressed was redrawn.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('results-heading');

    // The browser's back and forward buttons go between the searches.
    await page.goBack();
    await settled(/showing 20/);
    expect(await page.locator('#from').inputValue()).toBe('');
    await page.goForward();
    await settled(new RegExp(`^${count} events? found`));
    expect(await page.locator('#from').inputValue()).toBe('2022-06');
  });

  it('filters by a facet chip and removes the filter again', async () => {
    const before = await page.locator('#facets .chip[data-field="tag"][data-value="storm"] .chip-count').textContent();
    await page.locator('#facets .chip[data-field="tag"][data-value="storm"]').click();
    await settled(new RegExp(`^${before} events? found`));
    expect(page.url()).toBe(searchUrl('q=harbour&from=2022-06&to=2022-06&tag=storm'));
    const tags = await page.locator('#hits .hit-meta').allTextContents();
    expect(tags.length).toBe(Number(before));
    expect(tags.every((meta) => meta.includes('storm'))).toBe(true);
    expect(await page.locator('#facets .chip[data-field="tag"][data-value="storm"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('#active-filters .chip-active').click();
    await settled();
    expect(page.url()).toBe(searchUrl('q=harbour&from=2022-06&to=2022-06'));
  });

  it('loads the next pages on scroll and with the Load more button, without duplicates', async () => {
    await page.goto(searchUrl('q=harbour&sort=date'));
    await settled(/showing 20/);
    const expected: string[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await call(app, 'GET', `/v1/timelines/${timeline}/search?q=harbour&sort=date&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expected.push(...body.hits.map((hit: { id: string }) => hit.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(await hitIds()).toEqual(expected.slice(0, 20));

    await page.locator('#sentinel').scrollIntoViewIfNeeded();
    await expect.poll(async () => (await hitIds()).length, WAIT).toBe(40);
    expect(await hitIds()).toEqual(expected.slice(0, 40));
    expect(await status()).toBe(`${harbourHits.length} events found, showing 40.`);

    // Keyboard users have the button; scrolling to it may load a page too, never the same one twice.
    await page.locator('#load-more').focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await hitIds()).length, WAIT).toBeGreaterThanOrEqual(60);
    while ((await hitIds()).length < harbourHits.length) {
      const shown = (await hitIds()).length;
      await page.locator('#sentinel').scrollIntoViewIfNeeded();
      await expect.poll(async () => (await hitIds()).length, WAIT).toBeGreaterThan(shown);
    }
    expect(await hitIds()).toEqual(expected);
    expect(await page.locator('#load-more').isHidden()).toBe(true);
    // Reports known only to their month show no day.
    expect(await page.locator('#hits > li[data-id="h025"] .hit-date').textContent()).toMatch(/^[A-Z][a-z]+ 2021$/);
    expect(await status()).toBe(`${harbourHits.length} events found.`);
  });

  it('offers the TimelineJS view of the search, pointing at the export URL', async () => {
    await page.goto(searchUrl('q=harbour&tag=storm'));
    await settled();
    const exportUrl = `${base}/v1/timelines/${timeline}/timelinejs?q=harbour&tag=storm`;
    expect(await page.locator('#timelinejs-link').getAttribute('href')).toBe(timelineJsEmbedUrl(exportUrl));
    expect(await page.locator('#timelinejs-link').getAttribute('target')).toBe('_blank');
    expect(await page.locator('#timelinejs-json').getAttribute('href')).toBe(exportUrl);
    const exported = await (await fetch(exportUrl)).json();
    expect(exported.events).toHaveLength(harbour.filter((event) => event.tags?.includes('storm')).length);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await phone.goto(searchUrl('q=harbour'));
      await expect.poll(() => phone.locator('#status').textContent(), WAIT).toMatch(/found/);
      // A page wider than the phone would make a mobile browser zoom out (innerWidth grows with it), so compare with the screen.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await phone.locator('#hits > li').count()).toBe(20);
      await phone.screenshot({ path: join(SCREENSHOTS, 'search-page-phone.png') });
    } finally {
      await phone.close();
    }
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
