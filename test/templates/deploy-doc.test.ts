// docs/deploy.md names stacks, roles, rules and parameters defined elsewhere: keep them in step.
import { parse } from 'smol-toml';
import { asRecord, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

const guide = readRepoFile('docs/deploy.md');
const config = parse(readRepoFile('samconfig.toml'));
const template = loadTemplate('template.yaml');
const pack = loadTemplate('conformance-pack.yaml');
const memberRoleDefault = String(at(loadTemplate('deploy/member-role.yaml'), 'Parameters', 'ExecutionRoleName', 'Default'));

/** Shell code blocks of the guide. */
const shell = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').join('\n');

describe('docs/deploy.md', () => {
  it('uses the stack names of samconfig.toml', () => {
    const single = String(at(config, 'default', 'deploy', 'parameters', 'stack_name'));
    const central = String(at(config, 'central', 'deploy', 'parameters', 'stack_name'));
    expect(shell).toContain(`sam delete --stack-name ${single}\n`);
    expect(shell).toContain(`--stack-name ${central} `);
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

  it('passes every conformance pack parameter without a default', () => {
    const required = Object.entries(asRecord(pack.Parameters, 'Parameters'))
      .filter(([, value]) => asRecord(value, 'parameter').Default === undefined)
      .map(([name]) => name);
    for (const name of required) expect(shell).toContain(`ParameterName=${name},`);
  });

  it('documents exactly the template parameters in its table', () => {
    const table = guide.slice(guide.indexOf('### Template parameters'), guide.indexOf('### Choosing the periodic frequency'));
    const documented = [...table.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]));
    expect(documented.sort()).toEqual(Object.keys(asRecord(template.Parameters, 'Parameters')).sort());
  });
});
