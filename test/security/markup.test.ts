import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { escapeHtml, MatchedTerms, snippet } from '../../lib/search/snippets';
import { processTerm } from '../../lib/search/text';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

const PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror="alert(1)">', '"><svg onload=alert(1)>', "'><a href='javascript:alert(1)'>", '&lt;b&gt;', '<mark>fake</mark>'];
/** Text full of markup, entities, quotes and words, in any arrangement. */
const markupText = fc
  .array(fc.oneof(fc.constantFrom(...PAYLOADS, '<', '>', '&', '"', "'", '&amp;', '</mark>', ' ', 'harbour', 'convoy', 'Harbours'), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

describe('snippets (property-based)', () => {
  it('contain no markup but <mark> around matches, and show nothing but the text, whatever the text and the matches', () => {
    fc.assert(
      fc.property(markupText, fc.subarray(['harbour', 'convoy', 'script', 'img', 'mark', 'alert']), (text, words) => {
        const html = snippet(text, new MatchedTerms(new Set(words.map((word) => processTerm(word)!))));
        expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"']/);
        expect(html).not.toMatch(/<mark>(?:(?!<\/mark>).)*<mark>/s);
        const shown = unescape(html.replace(/<\/?mark>/g, '').replace(/^…/, '').replace(/…$/, ''));
        expect(text).toContain(shown);
      }),
      { numRuns: 500 },
    );
  });

  it('escapeHtml leaves no markup character and is undone exactly by unescaping', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
        expect(unescape(escapeHtml(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('search answers for events made of markup', () => {
  const config = testConfig();
  const app = createApp({ config });
  const timeline = uniqueTimeline('markup');

  beforeAll(async () => {
    const events = PAYLOADS.map((payload, i) => ({ id: `x${i}`, date: `2022-06-${10 + i}`, title: `harbour ${payload}`, text: `convoy ${payload} convoy`, tags: [payload] }));
    expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events)).status).toBe(201);
    expect((await call(app, 'POST', `/v1/admin/timelines/${timeline}/reindex`)).status).toBe(200);
  });

  it('escape titles and snippets, adding only <mark>', async () => {
    const { body } = await call(app, 'GET', `/v1/timelines/${timeline}/search?q=harbour+convoy&limit=100`);
    expect(body.total).toBe(PAYLOADS.length);
    for (const hit of body.hits) {
      for (const html of [hit.titleHtml, hit.snippet]) expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      // The raw title is JSON data, returned as written; only the *Html fields are meant for innerHTML.
      expect(PAYLOADS.some((payload) => hit.title.includes(payload))).toBe(true);
    }
  });

  it('escape the TimelineJS export, whose only tags are <p> and <mark>', async () => {
    const { body } = await call(app, 'GET', `/v1/timelines/${timeline}/timelinejs?q=harbour`);
    const html = JSON.stringify(body.events.map((event: { text: unknown }) => event.text));
    expect(html.match(/<[^>]*>/g)?.filter((tag) => !['<p>', '</p>', '<mark>', '</mark>'].includes(tag)) ?? []).toEqual([]);
  });
});

function unescape(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);
}
