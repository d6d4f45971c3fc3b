import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Routes answered by the read-only function. */
export const READ_ROUTES = [
  '/health',
  '/openapi.json',
  '/v1/timelines',
  '/v1/timelines/{timeline}/events',
  '/v1/timelines/{timeline}/events/{id}',
  '/v1/timelines/{timeline}/search',
  '/v1/timelines/{timeline}/timelinejs',
] as const;

/** Routes answered by the writing function, with their methods. */
export const WRITE_ROUTES = [
  { path: '/v1/timelines/{timeline}/events', methods: [HttpMethod.POST] },
  { path: '/v1/timelines/{timeline}/events/{id}', methods: [HttpMethod.PUT, HttpMethod.DELETE] },
  { path: '/v1/timelines/{timeline}/articles', methods: [HttpMethod.POST] },
  { path: '/v1/admin/timelines/{timeline}/reindex', methods: [HttpMethod.POST] },
] as const;

/** Options of {@link TimelineHttpApi}. */
export interface TimelineHttpApiProps {
  /** Answers {@link READ_ROUTES}. */
  readonly reader: IFunction;
  /** Answers {@link WRITE_ROUTES}. */
  readonly writer: IFunction;
  /**
   * Browser origins allowed by CORS.
   *
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * Steady-state requests per second across the stage before clients get 429.
   *
   * @default 50
   */
  readonly throttleRateLimit?: number;
  /**
   * Requests accepted in a burst above the steady rate.
   *
   * @default 100
   */
  readonly throttleBurstLimit?: number;
}

const DEFAULTS = {
  allowedOrigins: ['*'],
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
} satisfies Omit<Required<TimelineHttpApiProps>, 'reader' | 'writer'>;

/**
 * The public HTTP API (API Gateway v2, payload 2.0): GET routes to the reader, writes to the writer,
 * CORS preflights answered by API Gateway, and a throttled `$default` stage.
 */
export class TimelineHttpApi extends Construct {
  /** The API. */
  readonly api: HttpApi;
  /** The `$default` stage, so the URL carries no stage prefix the app would have to strip. */
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: TimelineHttpApiProps) {
    super(scope, id);
    const { reader, writer, allowedOrigins, throttleRateLimit, throttleBurstLimit } = { ...DEFAULTS, ...props };

    this.api = new HttpApi(this, 'Api', {
      description: 'timeline-search: dated events with full-text and date-range search',
      corsPreflight: {
        allowOrigins: allowedOrigins,
        allowHeaders: ['content-type', 'authorization'],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.DELETE,
          CorsHttpMethod.OPTIONS,
        ],
        // Bearer keys travel in a header, not cookies, so credentials stay off (and `*` stays legal).
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
      // HttpApi's own default stage takes no throttle settings; the stage below replaces it.
      createDefaultStage: false,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttleRateLimit, burstLimit: throttleBurstLimit },
    });

    const readIntegration = new HttpLambdaIntegration('Reader', reader);
    for (const path of READ_ROUTES) {
      this.api.addRoutes({ path, methods: [HttpMethod.GET], integration: readIntegration });
    }
    const writeIntegration = new HttpLambdaIntegration('Writer', writer);
    for (const { path, methods } of WRITE_ROUTES) {
      this.api.addRoutes({ path, methods: [...methods], integration: writeIntegration });
    }
  }

  /** The invoke URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
