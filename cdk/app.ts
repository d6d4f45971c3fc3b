/** The CDK app: `npx cdk synth|deploy|destroy [-c stage=prod ...]` runs this through `cdk.json`. */
import { App } from 'aws-cdk-lib';
import { readSettings } from './settings';
import { stackName, TimelineSearchStack } from './timeline-search-stack';

const app = new App();
const settings = readSettings(app.node);
new TimelineSearchStack(app, stackName(settings.stage), {
  settings,
  description: `timeline-search (${settings.stage}): events API, search index and alarms`,
  // The account and region come from the CLI's profile at deploy time; synth needs neither.
});
