// SARIF 2.1.0 (OASIS) for GitHub code scanning and other SARIF viewers: one run, the three rules,
// one result per finding located at the pidMode key, unreadable files as tool notifications.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECK_RULES } from './findings';
import type { CheckRule } from './findings';
import { levelOf } from './report';
import type { CheckReport } from './report';

const PIDMODE_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_pidmode';
const RULE_KEYS = Object.keys(CHECK_RULES) as CheckRule[];

export interface SarifTool {
  readonly version: string;
  /** The tool's home page; the package has none yet, and SARIF does not require one. */
  readonly informationUri?: string;
}

/**
 * Relative paths stay relative (GitHub resolves them against the repository root, which is where
 * CI runs the check); paths outside the working directory become file: URIs.
 */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function renderSarif(report: CheckReport, tool: SarifTool): string {
  const unreadable = report.files.flatMap((file) => ('error' in file ? [file] : []));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ecs-pidmode',
            version: tool.version,
            semanticVersion: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: RULE_KEYS.map((key) => {
              const rule = CHECK_RULES[key];
              return {
                id: rule.id,
                name: rule.name,
                shortDescription: { text: rule.summary },
                helpUri: PIDMODE_DOC,
                defaultConfiguration: { level: rule.level },
                properties: { tags: ['security', 'ecs'] },
              };
            }),
          },
        },
        invocations: [
          {
            executionSuccessful: unreadable.length === 0,
            exitCode: report.exitCode,
            toolExecutionNotifications: unreadable.map((file) => ({
              level: 'error',
              message: { text: `Could not check ${file.path}: ${file.error}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file.path) } } }],
            })),
          },
        ],
        results: report.findings.map((finding) => ({
          ruleId: CHECK_RULES[finding.rule].id,
          ruleIndex: RULE_KEYS.indexOf(finding.rule),
          level: levelOf(finding),
          message: { text: `${finding.resource}: ${finding.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(finding.file) },
                ...(finding.position ? { region: { startLine: finding.position.line, startColumn: finding.position.column } } : {}),
              },
              logicalLocations: [{ fullyQualifiedName: finding.resource, kind: 'resource' }],
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
