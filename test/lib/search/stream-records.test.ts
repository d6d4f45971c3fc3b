import { describe, expect, it } from 'vitest';
import { toLambdaRecord, type WireRecord } from '../../../lib/search/stream-records';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/2026-11-26T00:00:00.000';

describe('toLambdaRecord', () => {
  it('gives the record as the service sent it, with the stream ARN, whole seconds and Lambda\'s casing of a TTL deletion\'s identity', () => {
    const wire: WireRecord = {
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: { ApproximateCreationDateTime: 1764115200.75, Keys: { pk: { S: 'TL#t' }, sk: { S: 'EV#1' } }, OldImage: { bytes: { B: 'AAH/' } }, SequenceNumber: '100', SizeBytes: 42, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    };
    expect(toLambdaRecord(wire, ARN)).toStrictEqual({
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: { ApproximateCreationDateTime: 1764115200, Keys: { pk: { S: 'TL#t' }, sk: { S: 'EV#1' } }, OldImage: { bytes: { B: 'AAH/' } }, SequenceNumber: '100', SizeBytes: 42, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      eventSourceARN: ARN,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });

  it('adds no identity a record does not carry', () => {
    const record = toLambdaRecord({ eventID: 'e2', eventName: 'INSERT', dynamodb: { SequenceNumber: '1' } }, ARN);
    expect(record).not.toHaveProperty('userIdentity');
    expect(record.dynamodb).toStrictEqual({ SequenceNumber: '1' });
  });
});
