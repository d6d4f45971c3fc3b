/** `npm run verify -- <timeline> [--json]`: compares a timeline's search index with its events table; exits 1 when they differ. */
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { formatReport, verifyTimeline } from '../lib/search/verify';
import { localEndpoint } from './local-endpoint';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const json = args.includes('--json');
const timeline = args.find((arg) => !arg.startsWith('--'));
if (!timeline) {
  console.error('usage: npm run verify -- <timeline> [--json]   (against `npm start`, or DYNAMODB_ENDPOINT, or AWS)');
  process.exit(2);
}
const endpoint = localEndpoint();
const config = loadConfig({ ...process.env, ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint } : {}) });
const client = createDynamoClient(config);
const report = await verifyTimeline(client, config, timeline);
client.destroy();
console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
process.exitCode = report.equal ? 0 : 1;
