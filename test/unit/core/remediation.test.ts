import { fixedRegisterInput, parsePriorityTag, planRemediation, registerInputFileName, shellQuote, type PlanRevision } from '../../../src/core/remediation';

const arn = (family: string, revision: number) => `arn:aws:ecs:us-east-1:111111111111:task-definition/${family}:${revision}`;

describe('fixedRegisterInput', () => {
  const described = {
    taskDefinitionArn: arn('agent', 3),
    family: 'agent',
    revision: 3,
    status: 'INACTIVE',
    pidMode: 'host',
    ipcMode: 'host',
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'app', image: 'x', environment: [{ name: 'K', value: 'v' }] }],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    compatibilities: ['EC2'],
    requiresCompatibilities: ['EC2'],
    registeredAt: new Date(0),
    registeredBy: 'arn:aws:iam::111111111111:root',
    deregisteredAt: new Date(0),
    deleteRequestedAt: new Date(0),
    cpu: undefined,
  };

  it('is the revision itself without pidMode and without the fields ECS sets', () => {
    const { input, unknownFields } = fixedRegisterInput(described);
    expect(input).toEqual({
      family: 'agent',
      ipcMode: 'host',
      networkMode: 'bridge',
      containerDefinitions: described.containerDefinitions,
      requiresCompatibilities: ['EC2'],
    });
    expect(unknownFields).toEqual([]);
  });

  it('carries the revision\'s tags, and keeps (and names) a field it does not know rather than drop a setting', () => {
    const { input, unknownFields } = fixedRegisterInput({ ...described, someNewSetting: { on: true } }, [{ key: 'team', value: 'infra' }]);
    expect(input.tags).toEqual([{ key: 'team', value: 'infra' }]);
    expect(input.someNewSetting).toEqual({ on: true });
    expect(unknownFields).toEqual(['someNewSetting']);
  });
});

describe('parsePriorityTag', () => {
  it('reads key=value, the value possibly holding "="', () => {
    expect(parsePriorityTag('env=production')).toEqual({ key: 'env', value: 'production' });
    expect(parsePriorityTag('a=b=c')).toEqual({ key: 'a', value: 'b=c' });
    expect(parsePriorityTag('=x')).toBeUndefined();
    expect(parsePriorityTag('env')).toBeUndefined();
  });
});

describe('planRemediation', () => {
  const service = (cluster: string, name: string, tags: Array<[string, string]> = []) => ({ cluster, service: name, desiredCount: 2, runningCount: 2, tags: tags.map(([key, value]) => ({ key, value })) });
  const revision = (family: string, rev: number, services: ReturnType<typeof service>[]): PlanRevision => ({
    resourceId: `${family}:${rev}`,
    taskDefinitionArn: arn(family, rev),
    services,
    standalone: [],
    registerInputFile: `plan/${family}-${rev}.json`,
  });
  const priorities = [parsePriorityTag('env=production')!, parsePriorityTag('exposure=internet-facing')!];

  it('rolls production first, then internet-facing, then the rest; revisions no service runs last', () => {
    const plan = planRemediation(
      [
        revision('batch', 1, []),
        revision('agent', 1, [service('c', 'z'), service('c', 'edge', [['exposure', 'internet-facing']])]),
        revision('web', 2, [service('p', 'web', [['env', 'production']])]),
      ],
      priorities,
      { region: 'eu-west-1' },
    );
    expect(plan.map((r) => r.family)).toEqual(['web', 'agent', 'batch']);
    expect(plan[1]?.services.map((s) => [s.service, s.rank])).toEqual([['edge', 1], ['z', 2]]);
    expect(plan[0]?.commands).toEqual([
      'aws ecs register-task-definition --cli-input-json file://plan/web-2.json --region eu-west-1',
      'aws ecs update-service --cluster p --service web --task-definition web --region eu-west-1',
    ]);
  });

  it('names the profile in every command when one was used, quoted for the shell', () => {
    const [planned] = planRemediation([revision('web', 2, [service('p', 'web')])], [], { region: 'us-east-1', profile: "sec team's" });
    expect(planned?.commands[1]).toBe(`aws ecs update-service --cluster p --service web --task-definition web --region us-east-1 --profile 'sec team'\\''s'`);
  });
});

describe('helpers', () => {
  it('names input files after the revision', () => {
    expect(registerInputFileName(arn('node-exporter', 12))).toBe('node-exporter-12.register-task-definition.json');
  });

  it('quotes only what a shell would split or expand', () => {
    expect(shellQuote('file://plan/a-1.json')).toBe('file://plan/a-1.json');
    expect(shellQuote('my dir/$x')).toBe("'my dir/$x'");
  });
});
