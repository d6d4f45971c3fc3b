import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../cdk/constructs/bundled-function';
import { readSettings } from '../../cdk/settings';
import { stackName, TimelineSearchStack } from '../../cdk/timeline-search-stack';

/** The context `cdk.json` gives the CLI (defaults and feature flags), so tests synthesize what `cdk synth` would. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** A synthesized stack, its template and the folder holding its assets. */
export interface Synthesized {
  readonly stack: TimelineSearchStack;
  readonly template: Template;
  /** The cloud assembly folder; bundled assets sit in `asset.<hash>/` inside it. */
  readonly outdir: string;
  /** Deletes the assembly folder. */
  readonly dispose: () => void;
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Context as `-c key=value` would give it, on top of `cdk.json`'s. */
  readonly context?: Record<string, unknown>;
  /**
   * Runs CDK's CloudFormation schema validation (about 10 s), which `cdk.json` makes fatal.
   *
   * @default true
   */
  readonly validate?: boolean;
}

/** Synthesizes the stack as `cdk synth -c key=value ...` would, bundling the real functions with esbuild. */
export function synthesize({ context = {}, validate = true }: SynthesizeOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'timeline-search-cdk-'));
  const app = new App({
    outdir,
    context: { ...CDK_JSON_CONTEXT, ...context },
    builtinCloudFormationValidation: validate,
  });
  const settings = readSettings(app.node);
  const stack = new TimelineSearchStack(app, stackName(settings.stage), { settings });
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  return { stack, template, outdir, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The logical id CloudFormation knows a construct's main resource by. */
export function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild ?? construct;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

/** One statement of an IAM policy document, as synthesized. */
export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of the inline policies attached to a role. */
export function statementsOf(template: Template, roleId: string): PolicyStatement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: unknown) => isRef(role, roleId)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Every action the inline policies of a role allow. */
export function actionsOf(template: Template, roleId: string): string[] {
  return statementsOf(template, roleId)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => statement.Action);
}

/** Whether a value is `{ "Ref": id }`. */
export function isRef(value: unknown, id: string): boolean {
  return typeof value === 'object' && value !== null && 'Ref' in value && value.Ref === id;
}

/** The value, or a failed test when it is missing. */
export function required<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
