import { createHash } from 'node:crypto';
import type { EventInput, TimelineEvent } from './event-schema';

/** The content that makes two postings "the same event" when no id is given. */
export function deriveEventId(input: Pick<EventInput, 'date' | 'title'>): string {
  const slug = input.title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const digest = sha256([input.date.start, input.date.end ?? '', input.date.precision, input.title]).slice(0, 12);
  return slug ? `${slug}-${digest}` : digest;
}

/** Hash of everything a client can change, so re-posting identical content is recognised as unchanged. */
export function contentHash(input: EventInput): string {
  const { id: _id, ...content } = input;
  return sha256([JSON.stringify(content)]);
}

/** Builds the stored event from validated input, keeping the creation time of an earlier version. */
export function toTimelineEvent(
  timeline: string,
  input: EventInput,
  now: string,
  previous?: Pick<TimelineEvent, 'createdAt'>,
): TimelineEvent {
  return {
    ...input,
    id: input.id ?? deriveEventId(input),
    timeline,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
}

function sha256(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
