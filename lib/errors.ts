/** Base class of the errors this service knows how to explain to a client. */
export class AppError extends Error {
  /** HTTP status the API answers with. */
  readonly status: number = 500;
  /** Short, stable problem title (RFC 9457 `title`). */
  readonly title: string = 'Internal error';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The client sent something that cannot be read (bad syntax, a bad cursor, a bad date). */
export class BadRequestError extends AppError {
  override readonly status = 400;
  override readonly title = 'Bad request';
}

/** The request was readable but its content breaks a rule; `errors` names each field. */
export class ValidationError extends AppError {
  override readonly status = 422;
  override readonly title = 'Invalid content';

  constructor(
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The named resource does not exist. */
export class NotFoundError extends AppError {
  override readonly status = 404;
  override readonly title = 'Not found';
}

/** A conditional write lost a race; the client may retry with fresh data. */
export class ConflictError extends AppError {
  override readonly status = 409;
  override readonly title = 'Conflict';
}

/** The store is throttling or unreachable; the client should retry later (each event is written whole or not at all). */
export class UnavailableError extends AppError {
  override readonly status = 503;
  override readonly title = 'Service unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A timeline's index was written in a segment format this release does not read: until it is rebuilt
 * from the events (`npm run reindex`; `npm start` does it locally), its searches cannot be answered.
 */
export class OutdatedIndexError extends AppError {
  override readonly status = 503;
  override readonly title = 'Index outdated';
}

/**
 * A timeline's index outgrew what one manifest item can name (DynamoDB's 400 KB item limit, about
 * 1,500 shards): the events are stored, but the index cannot take more of them.
 */
export class IndexFullError extends AppError {
  override readonly status = 507;
  override readonly title = 'Insufficient storage';
}
