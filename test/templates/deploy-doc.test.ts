// docs/deploy.md names stacks, roles, rules, parameters and commands defined elsewhere: keep them
// in step, and keep the facts the review corrected.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { REPO_ROOT, asRecord, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

const guide = readRepoFile('docs/deploy.md');
const config = parse(readRepoFile('samconfig.toml'));
const template = loadTemplate('template.yaml');
const pack = loadTemplate('conformance-pack.yaml');
const memberRoleDefault = String(at(loadTemplate('deploy/member-role.yaml'), 'Parameters', 'ExecutionRoleName', 'Default'));

/** Shell code blocks of the guide. */
const shell = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').join('\n');
/** Shell commands with their backslash continuations joined. */
const commands = shell.replace(/\\\n\s*/g, '').split('\n');

/** Values for the guide's shell variables, as an engineer would have them. */
const SAMPLE: Record<string, string> = {
  REGIONS: 'eu-west-1,us-east-1',
  CODE_BUCKET_PREFIX: 'ecs-pid-mode-rule-code-111111111111',
  ROOT_ID: 'r-ab12',
  PILOT_OU: 'ou-ab12-pilot123',
  OUTSIDE_PILOT: '222222222222,333333333333',
};

/** The arguments of an `npm run org:publish -- ...` line, variables replaced, quotes removed. */
function publishArgs(line: string): string[] {
  const args = line.slice(line.indexOf('org:publish --') + 'org:publish --'.length).replace(/\s+#.*$/, '');
  return args
    .replace(/"?\$(\w+)([^"\s]*)"?/g, (_m, name: string, rest: string) => {
      const value = SAMPLE[name];
      if (value === undefined) throw new Error(`docs/deploy.md uses $${name} in an org:publish line: add a sample value`);
      return `${value}${rest}`;
    })
    .trim()
    .split(/\s+/);
}

describe('docs/deploy.md', () => {
  it('uses the stack names of samconfig.toml', () => {
    const single = String(at(config, 'default', 'deploy', 'parameters', 'stack_name'));
    const central = String(at(config, 'central', 'deploy', 'parameters', 'stack_name'));
    expect(shell).toContain(`sam delete --stack-name ${single}\n`);
    expect(shell).toContain(`--stack-name ${central} `);
  });

  it('deploys one account with plain sam build and sam deploy --guided, after npm ci', () => {
    expect(shell).toMatch(/npm ci[^\n]*\nsam build[^\n]*\nsam deploy --guided/);
    expect(guide).not.toMatch(/language_extensions\s*=/);
  });

  it('uses the member role name of samconfig.toml and deploy/member-role.yaml', () => {
    expect(shell).toContain(`ROLE_NAME=${memberRoleDefault} `);
  });

  it('looks rules up by the name both templates give them', () => {
    const name = String(at(properties(resource(template, 'PidModeConfigRule', 'AWS::Config::ConfigRule'), 'rule'), 'ConfigRuleName'));
    expect(at(properties(resource(pack, 'EcsPidModeHostInUse', 'AWS::Config::ConfigRule'), 'pack rule'), 'ConfigRuleName')).toBe(name);
    expect(shell).toContain(`--config-rule-name ${name}`);
    expect(shell).toContain(`starts_with(ConfigRuleName, '${name}')`);
    expect(shell).toContain(`startswith("${name}")`);
  });

  it('documents exactly the template parameters in its table', () => {
    const table = guide.slice(guide.indexOf('### Template parameters'), guide.indexOf('### Choosing the periodic frequency'));
    const documented = [...table.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]));
    expect(documented.sort()).toEqual(Object.keys(asRecord(template.Parameters, 'Parameters')).sort());
  });

  it('filters accounts on State, not on the Status field being retired', () => {
    expect(shell).toContain("Accounts[?State=='ACTIVE']");
    expect(guide).not.toMatch(/Accounts\[\?Status/);
  });

  it('says Lambda keeps 100 concurrent executions unreserved', () => {
    expect(guide).toContain('Lambda keeps 100 concurrent executions of each account unreserved');
    expect(guide).not.toMatch(/at least 10 executions unreserved/);
  });

  it('states the central function limit where it offers it', () => {
    const central = guide.slice(guide.indexOf('## A central function for a handful of accounts'));
    expect(central).toMatch(/Limit: about 55 accounts per\s+function/);
    expect(central).toContain('20 KB');
  });

  it('says the single-account template covers the management account', () => {
    expect(guide).toMatch(/management account[^.]*\(service-managed StackSets\s+never deploy there\)/);
  });

  const publishLines = commands.filter((line) => line.includes('npm run org:publish --'));

  it('shows org:publish for the pilot, the root, a new Region, an upgrade and a pack retry', () => {
    expect(publishLines.length).toBeGreaterThanOrEqual(6);
    expect(publishLines.some((line) => line.includes('--ou-ids "$PILOT_OU" --exclude-accounts'))).toBe(true);
    expect(publishLines.some((line) => line.includes('--new-ou-ids "$ROOT_ID"'))).toBe(true);
    expect(publishLines.some((line) => line.includes('--new-regions'))).toBe(true);
    expect(publishLines.some((line) => line.includes('--pack-only'))).toBe(true);
  });

  it('gives org:publish only arguments it accepts (each line, dry run)', () => {
    for (const line of publishLines) {
      const args = publishArgs(line).filter((arg) => arg !== '--execute');
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'org-publish.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect([line, run.status, run.stderr]).toEqual([line, 0, '']);
    }
  });
});
