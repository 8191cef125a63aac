// `ecs-pidmode check` over fixture files of every format it reads. Lines are exact: they are what
// GitHub code scanning and editors point at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport, runCheck } from '../../src/cli/check';
import { checkFixtures, FIXTURES, REPO_ROOT, summaryOf } from './helpers';

describe('check: CloudFormation YAML with short-form intrinsics', () => {
  const report = checkFixtures('cfn-short-form.yaml');

  it('reads the template as CloudFormation', () => {
    expect(report.files).toEqual([{ path: `${FIXTURES}/cfn-short-form.yaml`, format: 'cloudformation' }]);
  });

  it('reports a literal PidMode host, in any case, as an error at the line of the PidMode key', () => {
    expect(report.findings[0]).toMatchObject({
      rule: 'host',
      resource: 'HostTask',
      position: { line: 18, column: 7 },
      message: "PidMode is host: containers share the host's process namespace",
    });
  });

  it('warns that a PidMode from !Ref to a parameter is not known until deploy, and that its Default is host', () => {
    expect(report.findings[1]).toMatchObject({ rule: 'unresolved', resource: 'ParameterTask', position: { line: 25 } });
    expect(report.findings[1]?.message).toBe(
      'PidMode comes from parameter PidModeParam (its Default is host; its AllowedValues include host): its value is not known until deploy',
    );
  });

  it('reports an !If whose branch is host as an error naming the condition', () => {
    expect(report.findings[2]).toMatchObject({ rule: 'host', resource: 'DebugTask', position: { line: 32 } });
    expect(report.findings[2]?.message).toContain('PidMode is host when condition "IsDebug" is true');
  });

  it('reports nothing for PidMode task, and nothing else', () => {
    expect(summaryOf(report.findings)).toEqual(['18 host HostTask', '25 unresolved ParameterTask', '32 host DebugTask']);
  });

  it('exits 1 because a task definition sets pidMode host', () => {
    expect(report.exitCode).toBe(1);
  });
});

describe('check: CloudFormation JSON', () => {
  const report = checkFixtures('cfn-template.json');

  it('reports PidMode host at its line in the JSON file', () => {
    expect(summaryOf(report.findings)).toEqual(['9 host AgentTask']);
  });

  it('accepts a parameter whose AllowedValues exclude host: CloudFormation rejects any other value', () => {
    expect(report.findings.map((f) => f.resource)).not.toContain('ApiTask');
  });
});

describe('check: SAM template', () => {
  const report = checkFixtures('sam-template.yaml');

  it('warns about a PidMode looked up in a mapping that holds host, and exits 0 (warnings alone)', () => {
    expect(summaryOf(report.findings)).toEqual(['25 unresolved Worker']);
    expect(report.findings[0]?.message).toBe(
      'PidMode is looked up in mapping "StageSettings", which holds host for some keys: its value is not known until deploy',
    );
    expect(report.exitCode).toBe(0);
  });
});

describe('check: a CDK cloud assembly directory (cdk.out)', () => {
  const report = checkFixtures('cdk.out');

  it('checks every *.template.json in it, nested stage assemblies included, and nothing else', () => {
    expect(report.files).toEqual([
      { path: `${FIXTURES}/cdk.out/assembly-Prod/ProdApiStack.template.json`, format: 'cloudformation' },
      { path: `${FIXTURES}/cdk.out/MonitoringStack.template.json`, format: 'cloudformation' },
    ]);
  });

  it('reports the synthesized PidMode host with its file and line', () => {
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      file: `${FIXTURES}/cdk.out/MonitoringStack.template.json`,
      resource: 'AgentTaskDef1A2B3C4D',
      position: { line: 16 },
    });
    expect(report.exitCode).toBe(1);
  });
});

describe('check: Terraform plan JSON (terraform show -json)', () => {
  it('reports pid_mode host in the root module and, case-insensitively, in a child module', () => {
    const report = checkFixtures('terraform-plan-host.json');
    expect(summaryOf(report.findings)).toEqual([
      '26 host aws_ecs_task_definition.agent',
      '65 misplaced module.workers.aws_ecs_task_definition.worker["batch"]',
      '70 host module.workers.aws_ecs_task_definition.worker["batch"]',
    ]);
    expect(report.exitCode).toBe(1);
  });

  it('reports a pidMode inside container_definitions (a JSON string) at the container_definitions key', () => {
    const [, misplaced] = checkFixtures('terraform-plan-host.json').findings;
    expect(misplaced?.message).toBe(
      'pidMode "host" in container definition "worker-batch" has no effect: pidMode is a task definition setting, not a container one',
    );
  });

  it('ignores task definitions being destroyed and resources of other types', () => {
    const resources = checkFixtures('terraform-plan-host.json').findings.map((f) => f.resource);
    expect(resources.some((r) => r.includes('legacy') || r.includes('aws_ecs_cluster'))).toBe(false);
  });

  it('warns that a pid_mode unknown until apply is unknown, naming where it comes from, and exits 0', () => {
    const report = checkFixtures('terraform-plan-unknown.json');
    expect(report.findings).toEqual([
      {
        file: `${FIXTURES}/terraform-plan-unknown.json`,
        rule: 'unresolved',
        resource: 'module.app.aws_ecs_task_definition.sidecar[0]',
        message: 'pid_mode is not known until apply (it comes from var.pid_mode)',
        // terraform show -json writes one line: the column is what locates the key.
        position: { line: 1, column: 1264 },
      },
    ]);
    expect(report.exitCode).toBe(0);
  });
});

describe('check: ECS task definition JSON', () => {
  it('reports pidMode host in register-task-definition input', () => {
    const report = checkFixtures('register-task-definition.json');
    expect(report.files[0]).toMatchObject({ format: 'task-definition' });
    expect(summaryOf(report.findings)).toEqual(['4 host node-exporter']);
    expect(report.exitCode).toBe(1);
  });

  it('reads describe-task-definition output, naming the revision by its ARN', () => {
    const report = checkFixtures('describe-task-definition.json');
    expect(summaryOf(report.findings)).toEqual(['10 misplaced arn:aws:ecs:us-east-1:111111111111:task-definition/web:7']);
    expect(report.exitCode).toBe(0);
  });
});

describe('check: pidMode written inside a container definition', () => {
  const report = checkFixtures('cfn-container-pidmode.yaml');

  it('warns that it is misplaced and has no effect there, at its line', () => {
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'misplaced',
        resource: 'WebTask',
        position: { line: 11, column: 11 },
        message: 'PidMode "host" in container definition "web" has no effect: pidMode is a task definition setting, not a container one',
      }),
    ]);
  });

  it('exits 0: the task definition itself does not share the host process namespace', () => {
    expect(report.exitCode).toBe(0);
  });
});

describe('check: exit codes for input it cannot check', () => {
  it('exits 2 for a file that does not parse, saying where', () => {
    const report = checkFixtures('unparsable.yaml');
    expect(report.files).toEqual([
      { path: `${FIXTURES}/unparsable.yaml`, error: expect.stringMatching(/^line 6, column 7: Flow sequence/) },
    ]);
    expect(report.exitCode).toBe(2);
  });

  it('exits 2 for a file that does not exist', () => {
    const report = checkFixtures('missing.yaml');
    expect(report.files).toEqual([{ path: `${FIXTURES}/missing.yaml`, error: 'cannot read: no such file or directory' }]);
    expect(report.exitCode).toBe(2);
  });

  it('exits 2 for a file of no format it checks, rather than passing it unchecked', () => {
    const report = checkFixtures('kubernetes-deployment.yaml');
    expect(report.files[0]).toMatchObject({ error: expect.stringContaining('not a CloudFormation/SAM template') });
    expect(report.exitCode).toBe(2);
  });

  it('exits 2 for a directory without *.template.json files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ecs-pidmode-empty-'));
    try {
      expect(runCheck([empty], { cwd: REPO_ROOT }).exitCode).toBe(2);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('exits 2 rather than 1 when one file has pidMode host and another cannot be read: the check is incomplete', () => {
    const report = checkFixtures('register-task-definition.json', 'unparsable.yaml');
    expect(report.findings).toHaveLength(1);
    expect(report.exitCode).toBe(2);
  });

  it('checks a file named twice once', () => {
    expect(checkFixtures('cfn-template.json', 'cfn-template.json').files).toHaveLength(1);
  });
});

describe('check: report formats', () => {
  const report = checkFixtures('cfn-template.json', 'cfn-container-pidmode.yaml', 'unparsable.yaml');

  it('text: one "file:line: level resource: message [rule]" line per finding, unreadable files, then a summary', () => {
    expect(renderReport(report, 'text').split('\n')).toEqual([
      `${FIXTURES}/cfn-template.json:9: error AgentTask: PidMode is host: containers share the host's process namespace [ECSPID001]`,
      `${FIXTURES}/cfn-container-pidmode.yaml:11: warning WebTask: PidMode "host" in container definition "web" has no effect: pidMode is a task definition setting, not a container one [ECSPID003]`,
      `${FIXTURES}/unparsable.yaml: error: could not check: line 6, column 7: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      '2 files checked: 1 error, 1 warning; 1 file could not be read or parsed',
      '',
    ]);
  });

  it('json: a stable document with files, findings, summary and exit code', () => {
    const document = JSON.parse(renderReport(report, 'json'));
    expect(document).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'ecs-pidmode', version: expect.any(String) },
      summary: { checked: 2, unreadable: 1, errors: 1, warnings: 1 },
      exitCode: 2,
    });
    expect(document.files[2]).toEqual({ path: `${FIXTURES}/unparsable.yaml`, format: null, error: expect.any(String) });
    expect(document.findings[0]).toEqual({
      file: `${FIXTURES}/cfn-template.json`,
      line: 9,
      column: 9,
      level: 'error',
      ruleId: 'ECSPID001',
      resource: 'AgentTask',
      message: "PidMode is host: containers share the host's process namespace",
    });
  });
});
