import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_ROUTES, WRITE_ROUTES } from '../../cdk/constructs/http-api';
import { eventTableDefinition, indexTableDefinition } from '../../lib/table';
import { actionsOf, logicalId, required, statementsOf, synthesize, type Synthesized } from './synth';

// Strings, as `-c key=value` passes them, and none of them a default, so each assertion proves the value got through.
const CONTEXT = {
  stage: 'test',
  allowedOrigins: 'https://timelines.example.org, http://localhost:5173',
  apiMemoryMb: '1536',
  indexerBatchSize: '50',
  throttleRateLimit: '20',
  throttleBurstLimit: '40',
  alarmEmail: 'ops@example.org',
};

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

let synth: Synthesized;
let template: Template;
let ids: {
  table: string;
  indexTable: string;
  secret: string;
  reader: string;
  writer: string;
  indexer: string;
  readerRole: string;
  writerRole: string;
  indexerRole: string;
  queue: string;
};

beforeAll(() => {
  synth = synthesize({ context: CONTEXT });
  template = synth.template;
  const { stack } = synth;
  const { reader, writer } = stack.apiFunctions;
  const indexer = stack.indexer.function;
  ids = {
    table: logicalId(stack.events.table),
    indexTable: logicalId(stack.index.table),
    secret: logicalId(stack.apiKeys),
    reader: logicalId(reader),
    writer: logicalId(writer),
    indexer: logicalId(indexer),
    readerRole: logicalId(required(reader.role, 'role')),
    writerRole: logicalId(required(writer.role, 'role')),
    indexerRole: logicalId(required(indexer.role, 'role')),
    queue: logicalId(stack.indexer.deadLetterQueue),
  };
}, 120_000);

afterAll(() => synth?.dispose());

/** Actions a role's policies allow on one table (its ARN, not its stream or indexes). */
function actionsOn(roleId: string, tableId: string): string[] {
  const arn = { 'Fn::GetAtt': [tableId, 'Arn'] };
  return statementsOf(template, roleId)
    .filter((statement) => statement.Effect === 'Allow' && [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(arn)))
    .flatMap((statement) => statement.Action);
}

describe('TimelineSearchStack', () => {
  it('is named after the stage', () => {
    expect(synth.stack.stackName).toBe('TimelineSearch-test');
  });

  it("passes CloudFormation's template validation without a finding", () => {
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((plugin: { violations?: unknown[] }) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  describe('tables', () => {
    const tableProperties = (id: string) => template.toJSON().Resources[id].Properties;

    it('has the layout lib/table.ts gives the local events table, so the code meets the same keys and index', () => {
      const local = eventTableDefinition('unused');
      const events = tableProperties(ids.table);
      expect(events.AttributeDefinitions).toHaveLength(local.AttributeDefinitions?.length ?? 0);
      expect(events).toMatchObject({
        KeySchema: local.KeySchema,
        AttributeDefinitions: expect.arrayContaining(local.AttributeDefinitions ?? []),
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
        BillingMode: local.BillingMode,
        StreamSpecification: { StreamViewType: local.StreamSpecification?.StreamViewType },
      });
    });

    it('keeps the index in a second table with the local layout, without a stream, a secondary index or PITR', () => {
      const local = indexTableDefinition('unused');
      const index = tableProperties(ids.indexTable);
      expect(index).toMatchObject({ KeySchema: local.KeySchema, AttributeDefinitions: local.AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST' });
      // The index is rebuilt from the events table; a stream would carry every segment write to no reader.
      expect(index).not.toHaveProperty('StreamSpecification');
      expect(index).not.toHaveProperty('GlobalSecondaryIndexes');
      expect(index).not.toHaveProperty('PointInTimeRecoverySpecification');
      template.resourceCountIs('AWS::DynamoDB::Table', 2);
    });

    it('keys events on pk/sk with the byDate index on gpk/gsk, on demand, with PITR and full-image stream', () => {
      expect(tableProperties(ids.table)).toMatchObject({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDate',
            KeySchema: [
              { AttributeName: 'gpk', KeyType: 'HASH' },
              { AttributeName: 'gsk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    });

    it('retains both tables when the stack is deleted', () => {
      const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
      expect(tables).toHaveLength(2);
      for (const table of tables) expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });
  });

  describe('functions', () => {
    it.each(['reader', 'writer', 'indexer'] as const)('runs the %s on Node.js 22, arm64, with source maps', (name) => {
      const fn = template.toJSON().Resources[ids[name]].Properties;
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', LOG_LEVEL: 'info' } },
      });
      expect(fn.Environment.Variables.TABLE_NAME).toEqual({ Ref: ids.table });
      expect(fn.Environment.Variables.INDEX_TABLE_NAME).toEqual({ Ref: ids.indexTable });
      expect(fn.Environment.Variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(fn.Environment.Variables).not.toHaveProperty('API_KEYS');
    });

    it('gives the API functions the configured memory and origins, an eighth of the memory for the index, the indexer its default memory', () => {
      const resources = template.toJSON().Resources;
      for (const id of [ids.reader, ids.writer]) {
        expect(resources[id].Properties).toMatchObject({
          MemorySize: 1536,
          Timeout: 10,
          Environment: { Variables: { CORS_ORIGINS: 'https://timelines.example.org,http://localhost:5173', SEARCH_CACHE_MB: '192' } },
        });
      }
      expect(resources[ids.indexer].Properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
    });

    it('tells only the writer where the API keys are, by ARN', () => {
      const variables = (id: string) => template.toJSON().Resources[id].Properties.Environment.Variables;
      expect(variables(ids.writer).API_KEYS_SECRET_ARN).toEqual({ Ref: ids.secret });
      expect(variables(ids.reader)).not.toHaveProperty('API_KEYS_SECRET_ARN');
      expect(variables(ids.indexer)).not.toHaveProperty('API_KEYS_SECRET_ARN');
    });

    it('deploys the reader and writer from one bundle', () => {
      const code = (id: string) => template.toJSON().Resources[id].Properties.Code.S3Key;
      expect(code(ids.reader)).toBe(code(ids.writer));
      expect(code(ids.indexer)).not.toBe(code(ids.reader));
    });

    it('sends each function to its own log group kept for a month', () => {
      const resources = template.toJSON().Resources;
      const groups = [ids.reader, ids.writer, ids.indexer].map(
        (id) => resources[id].Properties.LoggingConfig.LogGroup.Ref,
      );
      expect(new Set(groups).size).toBe(3);
      for (const group of groups) expect(resources[group].Properties.RetentionInDays).toBe(30);
    });
  });

  describe('least privilege', () => {
    it('lets the reader read both tables and nothing else', () => {
      const actions = actionsOf(template, ids.readerRole);
      expect(actions).toEqual(expect.arrayContaining(READ_ACTIONS));
      for (const action of WRITE_ACTIONS) expect(actions).not.toContain(action);
      expect(actions.filter((action) => !action.startsWith('dynamodb:'))).toEqual([]);
      expect(actionsOn(ids.readerRole, ids.table)).toEqual(expect.arrayContaining(READ_ACTIONS));
      expect(actionsOn(ids.readerRole, ids.indexTable)).toEqual(expect.arrayContaining(READ_ACTIONS));
    });

    it('lets the writer write both tables (it rebuilds indexes) and read the secret', () => {
      const actions = actionsOf(template, ids.writerRole);
      expect(actions).toEqual(
        expect.arrayContaining([...READ_ACTIONS, ...WRITE_ACTIONS, 'secretsmanager:GetSecretValue']),
      );
      const secretStatements = statementsOf(template, ids.writerRole).filter((statement) =>
        [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(secretStatements.map((statement) => statement.Resource)).toEqual([{ Ref: ids.secret }]);
      expect(actionsOn(ids.writerRole, ids.table)).toEqual(expect.arrayContaining(WRITE_ACTIONS));
      expect(actionsOn(ids.writerRole, ids.indexTable)).toEqual(expect.arrayContaining(WRITE_ACTIONS));
    });

    it('lets the indexer read the stream, write the index table and report to its queue, without the secret', () => {
      const actions = actionsOf(template, ids.indexerRole);
      expect(actions).toEqual(expect.arrayContaining([...STREAM_ACTIONS, ...WRITE_ACTIONS, 'sqs:SendMessage']));
      expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
      expect(actionsOn(ids.indexerRole, ids.indexTable)).toEqual(expect.arrayContaining(WRITE_ACTIONS));
      // Events reach it through the stream only; it never writes them.
      expect(actionsOn(ids.indexerRole, ids.table).filter((action) => WRITE_ACTIONS.includes(action))).toEqual([]);
    });

    it('lets no role but the writer read the secret', () => {
      const readers = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) =>
          policy.Properties.PolicyDocument.Statement.some((statement: { Action: string | string[] }) =>
            [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')),
          ),
        )
        .flatMap((policy) => policy.Properties.Roles);
      expect(readers).toEqual([{ Ref: ids.writerRole }]);
    });

    it('grants nothing on every resource but ListStreams, which IAM cannot scope', () => {
      const unscoped = [ids.readerRole, ids.writerRole, ids.indexerRole].flatMap((role) =>
        statementsOf(template, role)
          .filter((statement) => [statement.Resource].flat().includes('*'))
          .map((statement) => `${role} ${[statement.Action].flat().join(',')}`),
      );
      expect(unscoped).toEqual([`${ids.indexerRole} dynamodb:ListStreams`]);
    });
  });

  describe('stream indexer', () => {
    it('reads the table stream in bisected, partially retried batches with a dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: ids.indexer },
        EventSourceArn: { 'Fn::GetAtt': [ids.table, 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 50,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 6 * 3600,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
      });
    });

    it('is only invoked for event items, not for the index items it writes itself', () => {
      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      const patterns = mapping?.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) =>
        JSON.parse(filter.Pattern),
      );
      expect(patterns).toEqual([{ dynamodb: { Keys: { sk: { S: [{ prefix: 'EV#' }] } } } }]);
    });

    it('keeps dead letters encrypted for 14 days', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    });
  });

  describe('HTTP API', () => {
    it('answers CORS preflights for the configured origins', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: {
          AllowOrigins: ['https://timelines.example.org', 'http://localhost:5173'],
          AllowHeaders: ['content-type', 'authorization'],
          AllowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
          AllowCredentials: false,
          MaxAge: 3600,
        },
      });
    });

    it('throttles the $default stage as configured', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      });
    });

    it('routes GETs to the reader and writes to the writer, payload 2.0', () => {
      const functionOfIntegration = Object.fromEntries(
        Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).map(([id, integration]) => {
          expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
          return [id, integration.Properties.IntegrationUri['Fn::GetAtt'][0]];
        }),
      );
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => {
        const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
        return [route.Properties.RouteKey, functionOfIntegration[integrationId]];
      });
      const expected = [
        ...READ_ROUTES.map((path) => [`GET ${path}`, ids.reader]),
        ...WRITE_ROUTES.flatMap(({ path, methods }) => methods.map((method) => [`${method} ${path}`, ids.writer])),
      ];
      expect(routes.sort()).toEqual(expected.sort());
      expect(routes).toHaveLength(12);
    });
  });

  describe('API keys', () => {
    it('are generated by Secrets Manager without punctuation (a comma would split the list)', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
        SecretString: Match.absent(),
      });
    });

    it('appear nowhere in the template in clear', () => {
      const json = JSON.stringify(template.toJSON());
      for (const known of ['dev-key', 'test-key', '"API_KEYS"', '"SecretString"']) {
        expect(json.includes(known), `the template contains ${known}`).toBe(false);
      }
    });
  });

  describe('alarms', () => {
    it('watch errors and throttles of every function, the iterator age and the dead letters', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties,
      );
      const watched = alarms.map((alarm) => {
        const dimension = alarm.Dimensions[0].Value.Ref ?? alarm.Dimensions[0].Value['Fn::GetAtt'][0];
        return `${alarm.MetricName} ${dimension} > ${alarm.Threshold}`;
      });
      expect(watched.sort()).toEqual(
        [
          ...[ids.reader, ids.writer, ids.indexer].flatMap((fn) => [`Errors ${fn} > 0`, `Throttles ${fn} > 0`]),
          `IteratorAge ${ids.indexer} > 60000`,
          `ApproximateNumberOfMessagesVisible ${ids.queue} > 0`,
        ].sort(),
      );
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      }
    });

    it('notify the configured address', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
      const [topic] = Object.keys(template.findResources('AWS::SNS::Topic'));
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      }
    });
  });

  describe('outputs', () => {
    it('give the API URL, table name and secret name', () => {
      template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
      template.hasOutput('TableName', { Value: { Ref: ids.table } });
      template.hasOutput('ApiKeySecretName', Match.anyValue());
      template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: ids.queue } });
    });
  });

  describe('without the web flag', () => {
    it('creates no bucket, distribution or web URL', () => {
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('AWS::CloudFront::Distribution', 0);
      expect(Object.keys(template.findOutputs('*'))).not.toContain('WebUrl');
    });
  });
});
