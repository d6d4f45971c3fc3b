/**
 * An article's sentences grouped into dated events: a dated sentence opens an event, and so does a
 * new paragraph; the sentences that follow without a date of their own continue it.
 */
import { createHash } from 'node:crypto';
import { EVENT_LIMITS, EventInput, type Source } from '../event-schema';
import { ValidationError } from '../errors';
import { ARTICLE_LIMITS, type ArticleEvent, type ArticleInput, type ArticleSentence, type DateRule } from './article-schema';
import { distinctNames } from './entities';
import { isoDay, publicationDay, type LocalDay } from './local-day';
import { readSentences, type Sentence } from './sentences';
import { datingMention, findDates, type MentionDate } from './temporal';

/** How a sentence got its date. */
interface Dating {
  rule: DateRule;
  expression: string | null;
  date: MentionDate;
}

type DatedSentence = Sentence & { dating: Dating; ownDate: boolean };

interface Group {
  dating: Dating;
  sentences: DatedSentence[];
  length: number;
}

/**
 * The events an article yields, ready to write: ids from the article and the position of each event's
 * first sentence, so that posting the same article again rewrites the same events.
 * @example eventsFromArticle({ text: 'Officials said Monday ...', publishedAt: '2022-06-21T09:30:00+03:00' })
 */
export function eventsFromArticle(article: ArticleInput): ArticleEvent[] {
  const sentences = dateSentences(readSentences(article.text), publicationDay(article.publishedAt, article.timezone));
  let groups = groupSentences(sentences, true);
  // Hundreds of one-line paragraphs (a list, a live blog) would make too many events: let only dates open them.
  if (groups.length > ARTICLE_LIMITS.events) groups = groupSentences(sentences, false);
  if (groups.length > ARTICLE_LIMITS.events) {
    throw new ValidationError(`text: the article has ${groups.length} dated statements; at most ${ARTICLE_LIMITS.events} are accepted`, [
      { path: 'text', message: `yields ${groups.length} events, more than ${ARTICLE_LIMITS.events}` },
    ]);
  }
  const key = articleKey(article);
  const sources = sourceOf(article);
  return groups.map((group) => toArticleEvent(group, key, sources));
}

/** Dates each sentence: by its own expression, else by the scene set before it, else by the publication day. */
function dateSentences(sentences: Sentence[], publication: LocalDay): DatedSentence[] {
  const publicationDate: MentionDate = { start: isoDay(publication), precision: 'day' };
  let scene: Dating | undefined;
  return sentences.map((sentence) => {
    const own = datingMention(sentence, findDates(sentence, publication));
    const dating: Dating = own
      ? { rule: own.rule, expression: own.expression, date: own.date }
      : scene
        ? { ...scene, rule: 'inherited' }
        : { rule: 'publication-day', expression: null, date: publicationDate };
    if (own) scene = dating;
    return { ...sentence, dating, ownDate: own !== undefined };
  });
}

/** A dated sentence opens an event, and so does a new paragraph when `byParagraph`, or a full event text. */
function groupSentences(sentences: DatedSentence[], byParagraph: boolean): Group[] {
  const groups: Group[] = [];
  for (const sentence of sentences) {
    const current = groups.at(-1);
    const sameParagraph = !byParagraph || current?.sentences.at(-1)?.paragraph === sentence.paragraph;
    // The separator between sentences counts too: one space.
    const fits = current !== undefined && current.length + 1 + sentence.text.length <= EVENT_LIMITS.textLength;
    if (current && !sentence.ownDate && sameParagraph && fits) {
      current.sentences.push(sentence);
      current.length += 1 + sentence.text.length;
    } else {
      groups.push({ dating: sentence.dating, sentences: [sentence], length: sentence.text.length });
    }
  }
  return groups;
}

/** Shortens the first sentence to a title: whole when short, else its first clause, else cut between words. */
export function titleOf(sentence: string): string {
  const max = ARTICLE_LIMITS.titleLength;
  const whole = sentence.replace(/\s+/g, ' ').trim();
  // The closing full stop goes (not the one of "U.S."), unless it is all there is: "...".
  const text = whole.replace(/(?<![A-Z])[.!?]+$/, '') || whole;
  if (text.length <= max) return text;
  // The first clause that says something (20 characters or more) and fits.
  const clause = /^(.{20,}?)[,;:—–](?:\s|$)/u.exec(text)?.[1];
  if (clause && clause.length <= max) return clause;
  const cut = text.slice(0, max).replace(/\s+\S*$/, '').replace(/[\s,;:—–-]+$/, '');
  return `${cut || text.slice(0, max - 1)}…`;
}

function toArticleEvent(group: Group, key: string, sources: Source[]): ArticleEvent {
  const first = group.sentences[0]!;
  const text = group.sentences.map((s) => s.text).join(' ');
  const event = EventInput.parse({
    id: `art-${key}-${first.index}`,
    date: group.dating.date,
    title: titleOf(first.text),
    text,
    places: distinctNames(group.sentences.flatMap((s) => s.places)),
    people: distinctNames(group.sentences.flatMap((s) => s.people)),
    sources,
  });
  const sentences: ArticleSentence[] = group.sentences.map((s) => ({ index: s.index, text: s.text, rule: s.dating.rule, expression: s.dating.expression }));
  return { event: { ...event, id: event.id! }, expression: group.dating.expression, rule: group.dating.rule, sentences };
}

/**
 * What identifies an article across postings: its URL, else publisher, title and publication time;
 * without a URL or a title the text itself, so two untitled articles of the same minute stay apart.
 */
function articleKey(article: ArticleInput): string {
  const parts = article.url
    ? ['url', article.url]
    : ['article', article.publisher ?? '', article.title ?? '', article.publishedAt, article.title ? '' : article.text];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);
}

/** The article as an event's source; `Source` requires a URL, so an article without one is no source. */
function sourceOf(article: ArticleInput): Source[] {
  if (!article.url) return [];
  const { url, title, publisher, publishedAt } = article;
  return [{ url, ...(title ? { title } : {}), ...(publisher ? { publisher } : {}), publishedAt }];
}
