import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { testClient, testConfig } from './dynamo';

let sequence = 1_000_000;

/** The raw table item of an event, as a stream image carries it. */
export async function rawEvent(timeline: string, id: string): Promise<Record<string, AttributeValue>> {
  const out = await testClient().send(
    new GetItemCommand({ TableName: testConfig().TABLE_NAME, Key: { pk: { S: `TL#${timeline}` }, sk: { S: `EV#${id}` } }, ConsistentRead: true }),
  );
  if (!out.Item) throw new Error(`no item ${timeline}/${id}`);
  return out.Item;
}

/** A DynamoDB Streams record in the shape Lambda's event source mapping delivers. */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { oldImage?: Record<string, AttributeValue>; newImage?: Record<string, AttributeValue> },
): DynamoDBRecord {
  const image = images.newImage ?? images.oldImage!;
  sequence += 1;
  return {
    eventID: `evt-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { pk: image.pk as LambdaAttributeValue, sk: image.sk as LambdaAttributeValue },
      ...(images.newImage ? { NewImage: images.newImage as Record<string, LambdaAttributeValue> } : {}),
      ...(images.oldImage ? { OldImage: images.oldImage as Record<string, LambdaAttributeValue> } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 256,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/timeline-search/stream/2026-11-25T00:00:00.000',
  };
}

/** A batch as Lambda hands it to the handler. */
export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}
