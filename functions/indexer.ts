import { createStreamHandler } from '../lib/search/stream-handler';

/** DynamoDB Streams entry point: applies event changes to the search index, reporting records it could not apply. */
export const handler = createStreamHandler();
