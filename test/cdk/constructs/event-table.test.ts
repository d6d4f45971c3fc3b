import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { EventTable } from '../../../cdk/constructs/event-table';

function synth(props?: ConstructorParameters<typeof EventTable>[2]): Template {
  // Schema validation is the stack tests' job; skipping it keeps this test fast.
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test');
  new EventTable(stack, 'Events', props);
  return Template.fromStack(stack);
}

describe('EventTable', () => {
  it('is retained by default', () => {
    synth().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is deleted with the stack when asked', () => {
    synth({ removalPolicy: RemovalPolicy.DESTROY }).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});
