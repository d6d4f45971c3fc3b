import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Distribution,
  HttpVersion,
  PriceClass,
  ViewerProtocolPolicy,
  type ErrorResponse,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Options of {@link StaticSite}. */
export interface StaticSiteProps {
  /** The built frontend (absolute path); must exist when the stack is synthesized. */
  readonly sourceDir: string;
  /**
   * Written to `/config.json` as `{ "apiUrl": ... }` so the frontend needs no rebuild per stage.
   *
   * @default - no config.json is written
   */
  readonly apiUrl?: string;
  /**
   * CloudFront edge locations used; the cheapest class covers North America and Europe.
   *
   * @default PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: PriceClass;
}

const DEFAULTS = {
  priceClass: PriceClass.PRICE_CLASS_100,
} satisfies Partial<StaticSiteProps>;

/** A private S3 bucket holding the built frontend, served over HTTPS by CloudFront through origin access control. */
export class StaticSite extends Construct {
  /** The bucket; nothing reaches it except CloudFront. */
  readonly bucket: Bucket;
  /** The distribution in front of the bucket. */
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const { sourceDir, apiUrl, priceClass } = { ...DEFAULTS, ...props };
    if (!existsSync(sourceDir)) {
      throw new Error(
        `the web frontend folder ${sourceDir} does not exist: build the frontend first, or pass -c webDir=<folder>`,
      );
    }

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here, and `cdk deploy` puts it back, so the bucket need not outlive the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    // Deep links of a client-side router are not objects; without ListBucket S3 answers them 403.
    const spaFallback: ErrorResponse[] = [403, 404].map((httpStatus) => ({
      httpStatus,
      responseHttpStatus: 200,
      responsePagePath: '/index.html',
      ttl: Duration.seconds(10),
    }));

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'timeline-search web frontend',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      defaultRootObject: 'index.html',
      errorResponses: spaFallback,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass,
    });

    new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(sourceDir), ...(apiUrl ? [Source.jsonData('config.json', { apiUrl })] : [])],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      // Invalidate everything: file names of a small site are cheaper to flush than to track.
      distributionPaths: ['/*'],
    });
  }

  /** The site's HTTPS address. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
