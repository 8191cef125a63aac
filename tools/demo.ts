/**
 * `npm run demo`: the rule end to end without AWS. Starts the local AWS simulator with an example
 * organization (tools/demo/organization.ts), invokes the BUNDLED handler (dist/handler.js) with
 * change, oversized and scheduled events exactly as AWS Config sends them, plays one story beat
 * (a host-mode task stops; the next periodic run clears its result), then prints what the Config
 * console would show. Exits non-zero when a stored verdict differs from what the scenario expects,
 * so the demo doubles as a smoke check.
 */
import { statSync } from 'node:fs';

import {
  ACCOUNTS,
  CENTRAL,
  EXCEPTIONS_S3_URI,
  FUNCTION_NAME,
  MEMBER,
  REGION,
  ROLE_NAME,
  arnOf,
  scenarioAccount,
  type DemoAccount,
  type DemoRevision,
} from './demo/organization';
import { applyLambdaEnvironment, captureOutput, loadHandler, type LambdaHandler } from './lib/handler-host';
import {
  SIM_SECRET_PREFIX,
  changeEvent,
  expectedVerdicts,
  lambdaContext,
  latestItem,
  oversizedEvent,
  scheduledEvent,
  startSimulator,
  type ConfigRuleEventShape,
  type ScenarioAccount,
  type Simulator,
  type StoredEvaluation,
} from './simulator';

const BUNDLE = 'dist/handler.js';
const WIDTH = 100;
const ORDER = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE'] as const;

/** The part of the handler's result (RunSummary in src/run.ts) the demo narrates. */
interface Summary {
  sent: number;
  byCompliance: Record<string, number>;
  clusters?: number;
  runningTasks?: number;
  revisionsInUse?: number;
  staleResolved?: number;
  unchanged?: number;
  deferred?: number;
  exceptedInUse?: number;
  exceptionsExpiringSoon?: number;
  exceptionsExpired?: number;
}

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** Greedy word wrap; continuation lines get `indent`. */
function wrap(text: string, indent: string, width = WIDTH, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(' ')) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (candidate.length > width && !empty) {
      lines.push(line);
      line = indent + word;
    } else {
      line = candidate;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** The SDK warns on Node versions it will stop supporting; Lambda runs a newer Node than this machine may. */
const sdkNodeNotice = (names: readonly string[]): string =>
  names.includes('NodeVersionSupportWarning') ? ` (AWS SDK notice: this machine runs Node ${process.versions.node.split('.')[0]})` : '';

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function breakdown(byCompliance: Record<string, number>): string {
  const parts = ORDER.filter((t) => (byCompliance[t] ?? 0) > 0).map((t) => `${byCompliance[t]} ${t}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

class Demo {
  private readonly problems: string[] = [];
  private readonly logs = {
    lines: 0,
    byLevel: {} as Record<string, number>,
    metricDocuments: 0,
    processWarnings: new Set<string>(),
    secretHits: 0,
    invocations: 0,
  };

  constructor(
    private readonly sim: Simulator,
    private readonly handler: LambdaHandler,
    private readonly scenarios: Map<string, ScenarioAccount>,
  ) {}

  fail(problem: string): void {
    this.problems.push(problem);
  }

  get failures(): readonly string[] {
    return this.problems;
  }

  get logTotals(): Readonly<typeof this.logs> {
    return this.logs;
  }

  /** One invocation of the bundled handler, its logs captured and counted. */
  async invoke(event: ConfigRuleEventShape): Promise<{ summary?: Summary; ms: number }> {
    const started = performance.now();
    const { outcome, output } = await captureOutput(() => this.handler(event, lambdaContext(FUNCTION_NAME)), { watch: SIM_SECRET_PREFIX });
    const ms = Math.round(performance.now() - started);
    this.logs.invocations += 1;
    this.logs.lines += output.lines;
    this.logs.secretHits += output.watchHits;
    this.logs.metricDocuments += output.metricDocuments;
    for (const w of output.processWarnings) this.logs.processWarnings.add(w);
    for (const [level, n] of Object.entries(output.byLevel)) this.logs.byLevel[level] = (this.logs.byLevel[level] ?? 0) + n;
    if (outcome.status === 'rejected') {
      const reason = outcome.reason instanceof Error ? `${outcome.reason.name}: ${outcome.reason.message}` : String(outcome.reason);
      this.fail(`invocation for ${event.accountId} failed: ${reason}`);
      return { ms };
    }
    return { summary: outcome.value as Summary, ms };
  }

  rule(account: DemoAccount, roleName?: string) {
    return {
      accountId: account.accountId,
      configRuleName: account.configRuleName,
      resultToken: this.sim.issueResultToken(account.accountId, account.configRuleName),
      ...(roleName ? { executionRoleName: roleName } : {}),
      // One conformance-pack parameter: every account's rule reads the same document.
      exceptionsS3Uri: EXCEPTIONS_S3_URI,
    };
  }

  stored(account: DemoAccount): StoredEvaluation[] {
    return this.sim.evaluations(account.accountId, account.configRuleName);
  }

  /** A change notification; prints one line with the verdict the rule reported. */
  async change(label: string, event: ConfigRuleEventShape, kind: 'change' | 'oversized', expected: string): Promise<void> {
    const { summary, ms } = await this.invoke(event);
    const verdict = summary
      ? (Object.entries(summary.byCompliance).find(([, n]) => n > 0)?.[0] ?? (summary.deferred ? 'left to the periodic run' : 'nothing reported'))
      : 'FAILED';
    if (verdict !== expected) this.fail(`${label}: expected ${expected}, the rule reported ${verdict}`);
    out(`  ${kind.padEnd(10)} ${`${label} `.padEnd(58, '.')} ${verdict.padEnd(16)} ${String(ms).padStart(5)} ms`);
  }

  /** A ScheduledNotification sweep of one account; prints what it found and sent. */
  async periodic(account: DemoAccount, roleName?: string): Promise<Summary | undefined> {
    const { summary, ms } = await this.invoke(scheduledEvent(this.rule(account, roleName), Date.now() / 1000));
    const who = `${account.label.padEnd(8)}${account.accountId}`;
    if (!summary) {
      out(`  ${who.padEnd(22)}FAILED (${this.problems.at(-1) ?? 'unknown error'})`);
      return undefined;
    }
    const pad = ' '.repeat(24);
    const found = `${plural(summary.clusters ?? 0, 'cluster')}, ${plural(summary.runningTasks ?? 0, 'running task')}, ${plural(summary.revisionsInUse ?? 0, 'revision')} in use`;
    out(`  ${who.padEnd(22)}${found.padEnd(66)} ${String(ms).padStart(5)} ms`);
    if (roleName) out(`${pad}as role ${roleName} in ${account.accountId} (ExecutionRoleName)`);
    const stale = summary.staleResolved ? `: ${summary.staleResolved} stale` : '';
    const unchanged = summary.unchanged ? ` · ${summary.unchanged} unchanged, not sent again` : '';
    out(`${pad}sent ${summary.sent} (${breakdown(summary.byCompliance)}${stale})${unchanged}`);
    if (summary.exceptedInUse || summary.exceptionsExpired) {
      const expiring = summary.exceptionsExpiringSoon ? ` (${summary.exceptionsExpiringSoon} expiring soon)` : '';
      out(`${pad}exceptions: ${plural(summary.exceptedInUse ?? 0, 'revision')} excepted${expiring}, ${summary.exceptionsExpired ?? 0} expired`);
    }
    return summary;
  }

  /** Stops every running task of a revision, in the simulator and in the scenario the oracle reads. */
  stopTasks(account: DemoAccount, ref: string): number {
    const arn = arnOf(account, ref);
    let stopped = 0;
    for (const cluster of this.sim.state.home(account.accountId).clusters.values()) {
      for (const task of cluster.tasks) {
        if (task.taskDefinitionArn !== arn || task.desiredStatus !== 'RUNNING') continue;
        this.sim.stopTask(account.accountId, task.arn);
        stopped += 1;
      }
    }
    for (const cluster of this.scenarios.get(account.accountId)?.clusters ?? []) {
      for (const task of cluster.tasks ?? []) if (task.taskDefinitionArn === arn) task.desiredStatus = 'STOPPED';
    }
    return stopped;
  }

  runningTasks(account: DemoAccount, ref: string): number {
    const arn = arnOf(account, ref);
    let n = 0;
    for (const cluster of this.sim.state.home(account.accountId).clusters.values()) {
      for (const task of cluster.tasks) if (task.taskDefinitionArn === arn && task.desiredStatus === 'RUNNING') n += 1;
    }
    return n;
  }

  /** Why the console shows this verdict, from the simulated account's state (not from the rule). */
  reason(account: DemoAccount, r: DemoRevision, compliance: string): string {
    const ref = `${r.family}:${r.revision}`;
    const td = this.sim.state.home(account.accountId).taskDefinitions.get(arnOf(account, ref));
    const status = td?.status ?? 'unknown';
    const running = this.runningTasks(account, ref);
    if (r.exception === 'expired' && compliance === 'NON_COMPLIANT') return 'pidMode host, in use; its exception expired';
    if (r.exception && compliance === 'NOT_APPLICABLE' && running > 0) {
      return r.exception === 'expiring' ? 'pidMode host, in use; exception expiring soon' : 'pidMode host, in use; exception granted';
    }
    if (compliance === 'NON_COMPLIANT') {
      return status === 'ACTIVE' ? 'pidMode host, in use' : `${status} revision still running (managed rule misses it)`;
    }
    if (compliance === 'COMPLIANT') {
      const mode = r.pidMode ? `pidMode ${r.pidMode}` : 'pidMode not set';
      return `${mode}, in use${r.launchType === 'FARGATE' ? ' (Fargate)' : ''}`;
    }
    let deleted = false;
    try {
      deleted = latestItem(this.sim.state, account.accountId, { resourceId: ref }).status === 'ResourceDeleted';
    } catch {
      deleted = false;
    }
    if (deleted) return 'revision deleted (Config item ResourceDeleted)';
    return running === 0 ? 'no RUNNING task (its last task stopped)' : 'not in use';
  }

  /** The managed rule evaluates only the latest ACTIVE revision of each family. */
  managedRuleLine(account: DemoAccount): string {
    const rs = this.sim.state.home(account.accountId);
    const flagged: string[] = [];
    const latest = new Set<string>();
    for (const revisions of rs.families.values()) {
      const active = revisions.filter((td) => td.status === 'ACTIVE').at(-1);
      if (!active) continue;
      latest.add(active.arn);
      if (active.pidMode === 'host') flagged.push(`${active.family}:${active.revision}`);
    }
    const idle = flagged.filter((ref) => this.runningTasks(account, ref) === 0);
    const missed = account.revisions
      .filter((r) => r.pidMode === 'host' && this.runningTasks(account, `${r.family}:${r.revision}`) > 0)
      .filter((r) => !latest.has(arnOf(account, `${r.family}:${r.revision}`)))
      .map((r) => `${r.family}:${r.revision}`);
    const flags = flagged.length > 0 ? `would flag ${flagged.join(', ')}` : 'would flag nothing';
    const idleText = idle.length > 0 ? ` (${idle.length} of them run nothing)` : '';
    const missText = missed.length > 0 ? ` and miss ${missed.join(', ')}, which runs` : ', and miss nothing here';
    return `The managed rule (latest ACTIVE revision of each family) ${flags}${idleText}${missText}.`;
  }

  /** The Config console view of one account's rule, and the checks against the scenario. */
  console(account: DemoAccount): void {
    const stored = this.stored(account);
    const byId = new Map(stored.map((e) => [e.resourceId, e]));
    out(`Account ${account.accountId} (${account.label}) · rule ${account.configRuleName}`);
    out(`  ${'RESOURCE ID'.padEnd(17)} ${'COMPLIANCE'.padEnd(15)} WHY`);
    const rows = account.revisions
      .map((r) => ({ r, e: byId.get(`${r.family}:${r.revision}`) }))
      .filter((row): row is { r: DemoRevision; e: StoredEvaluation } => row.e !== undefined)
      .sort((a, b) => ORDER.indexOf(a.e.complianceType as (typeof ORDER)[number]) - ORDER.indexOf(b.e.complianceType as (typeof ORDER)[number]));
    for (const { r, e } of rows) {
      out(`  ${e.resourceId.padEnd(17)} ${e.complianceType.padEnd(15)} ${this.reason(account, r, e.complianceType)}`);
      for (const line of wrap(e.annotation ?? '(no annotation)', '      ')) out(line);
      if ((e.annotation ?? '').includes(SIM_SECRET_PREFIX)) this.fail(`annotation of ${e.resourceId} contains a configuration secret`);
    }
    const counts: Record<string, number> = {};
    for (const e of stored) counts[e.complianceType] = (counts[e.complianceType] ?? 0) + 1;
    const notEvaluated = account.revisions.filter((r) => !byId.has(`${r.family}:${r.revision}`)).map((r) => `${r.family}:${r.revision}`);
    const summary =
      `Summary ${account.accountId}: ${ORDER.map((t) => `${counts[t] ?? 0} ${t}`).join(' · ')}` +
      (notEvaluated.length > 0 ? ` · not evaluated (no running task): ${notEvaluated.join(', ')}` : '');
    for (const line of wrap(summary, '    ', WIDTH, '  ')) out(line);
    for (const line of wrap(this.managedRuleLine(account), '    ', WIDTH, '  ')) out(line);
    out();
    this.check(account, byId);
  }

  private check(account: DemoAccount, byId: Map<string, StoredEvaluation>): void {
    const known = new Set(account.revisions.map((r) => `${r.family}:${r.revision}`));
    for (const r of account.revisions) {
      const id = `${r.family}:${r.revision}`;
      const actual = byId.get(id)?.complianceType ?? 'not evaluated';
      if (actual !== r.expected) this.fail(`${account.accountId} ${id}: expected ${r.expected}, Config shows ${actual}`);
      const annotation = byId.get(id)?.annotation ?? '';
      const said = r.exception === undefined ? true : r.exception === 'expired' ? / expired on /.test(annotation) : r.exception === 'expiring' ? /, expires (in \d+ days?|today): /.test(annotation) : !/, expires /.test(annotation);
      if (r.exception !== undefined && (!annotation.startsWith('exception ') || !said)) this.fail(`${account.accountId} ${id}: the annotation does not say the exception is ${r.exception}`);
    }
    for (const id of byId.keys()) if (!known.has(id)) this.fail(`${account.accountId}: unexpected evaluation for ${id}`);
    // The simulator's oracle reads the decision table off the scenario itself.
    const scenario = this.scenarios.get(account.accountId);
    // It knows nothing of exceptions: a valid or expiring one turns its NON_COMPLIANT into NOT_APPLICABLE.
    const excepted = new Set(account.revisions.filter((r) => r.exception === 'valid' || r.exception === 'expiring').map((r) => `${r.family}:${r.revision}`));
    for (const truth of scenario ? expectedVerdicts(scenario) : []) {
      const expected = excepted.has(truth.resourceId) && truth.expected === 'NON_COMPLIANT' ? 'NOT_APPLICABLE' : truth.expected;
      const actual = byId.get(truth.resourceId)?.complianceType ?? 'NOT_APPLICABLE';
      if (actual !== expected) this.fail(`${account.accountId} ${truth.resourceId}: oracle expects ${expected}, Config shows ${actual}`);
    }
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const now = Math.floor(Date.now() / 1000);
  const scenarios = new Map(ACCOUNTS.map((a) => [a.accountId, scenarioAccount(a, now)]));
  const sim = await startSimulator({ scenario: { accounts: [...scenarios.values()] }, latencyMs: 3, seed: 7 });
  try {
    // The Lambda lives in the central account: its credentials, the simulator as every endpoint.
    applyLambdaEnvironment({
      endpointUrl: sim.url,
      region: REGION,
      accessKeyId: CENTRAL.accessKeyId,
      secretAccessKey: CENTRAL.secretAccessKey,
      functionName: FUNCTION_NAME,
      extra: { POWERTOOLS_LOG_LEVEL: 'INFO' },
    });
    const handler = loadHandler(BUNDLE);
    const demo = new Demo(sim, handler, scenarios);

    out('ECS pidMode rule · local demo (no AWS account needed)');
    out(`  simulator  ${sim.url} (ECS, Config and STS wire protocols; ECS throttle buckets on)`);
    out(`  rule       ${BUNDLE} (${Math.round(statSync(BUNDLE).size / 1024)} KB), required and invoked as the Lambda runtime does`);
    out();
    out('Organization');
    for (const account of ACCOUNTS) {
      const scenario = scenarios.get(account.accountId);
      const tasks = (scenario?.clusters ?? []).reduce((n, c) => n + (c.tasks?.length ?? 0), 0);
      const head = `  ${account.label.padEnd(8)}${account.accountId}`.padEnd(24);
      const pad = ' '.repeat(head.length);
      out(`${head}${account.label === 'central' ? `Lambda ${FUNCTION_NAME} · ` : ''}rule ${account.configRuleName}`);
      if (account.trusts) out(`${pad}role ${ROLE_NAME} trusts ${account.trusts}`);
      out(`${pad}clusters ${account.clusters.join(', ')} · ${plural(account.revisions.length, 'revision')} · ${plural(tasks, 'running task')}`);
      if (account.label === 'central') out(`${pad}exceptions ${EXCEPTIONS_S3_URI} (security team's bucket; rule parameter ExceptionsS3Uri)`);
    }
    out();

    out('1. Config notifies changes to task definitions (central account)');
    const item = (ref: string) => latestItem(sim.state, CENTRAL.accountId, { arn: arnOf(CENTRAL, ref) });
    await demo.change('node-exporter:4 registered, running on prod-a and prod-b', changeEvent(demo.rule(CENTRAL), item('node-exporter:4')), 'change', 'NON_COMPLIANT');
    // Fetched from Config, found pidMode task: a change event spends no ECS call on it, the periodic run decides.
    await demo.change('payments-api:7 (item too large: fetched from Config)', oversizedEvent(demo.rule(CENTRAL), item('payments-api:7')), 'oversized', 'left to the periodic run');
    sim.deregisterTaskDefinition(CENTRAL.accountId, 'node-exporter:3');
    await demo.change('node-exporter:3 deregistered, 1 task still runs', changeEvent(demo.rule(CENTRAL), item('node-exporter:3')), 'change', 'NON_COMPLIANT');
    // Deleted, and ECS has finished deleting it (no task used it): NOT_APPLICABLE at once. A revision
    // ECS still describes would be checked for running tasks first.
    sim.deleteTaskDefinition(CENTRAL.accountId, 'legacy-agent:1');
    sim.purgeTaskDefinition(CENTRAL.accountId, 'legacy-agent:1');
    const deleted = sim.recordItem(CENTRAL.accountId, {
      resourceId: 'legacy-agent:1',
      resourceName: 'legacy-agent:1',
      arn: arnOf(CENTRAL, 'legacy-agent:1'),
      status: 'ResourceDeleted',
      configuration: null,
    });
    await demo.change('legacy-agent:1 deleted', changeEvent(demo.rule(CENTRAL), deleted), 'change', 'NOT_APPLICABLE');
    await demo.change('datadog-agent:9 registered, excepted by EX-12', changeEvent(demo.rule(CENTRAL), item('datadog-agent:9')), 'change', 'NOT_APPLICABLE');
    out();

    out('2. Periodic runs (ScheduledNotification), one per account');
    await demo.periodic(CENTRAL);
    await demo.periodic(MEMBER, ROLE_NAME);
    const before = demo.stored(CENTRAL).find((e) => e.resourceId === 'perf-profiler:2')?.complianceType ?? 'not evaluated';
    if (before !== 'NON_COMPLIANT') demo.fail(`perf-profiler:2 should be NON_COMPLIANT while its task runs, Config shows ${before}`);
    out();

    out('3. A task of a host-mode revision stops');
    const stopped = demo.stopTasks(CENTRAL, 'perf-profiler:2');
    for (const line of wrap(
      `perf-profiler:2 (pidMode host) was ${before}; its ${plural(stopped, 'standalone task')} on prod-a stopped. ` +
        'Config records no ECS tasks, so no change notification fires: the next periodic run catches it.',
      '  ',
    )) {
      out(line);
    }
    await demo.periodic(CENTRAL);
    const after = demo.stored(CENTRAL).find((e) => e.resourceId === 'perf-profiler:2')?.complianceType ?? 'not evaluated';
    out(`  perf-profiler:2: ${before} -> ${after}`);
    out();

    out('What the AWS Config console shows (stored evaluations, per account and rule)');
    out();
    for (const account of ACCOUNTS) demo.console(account);

    const counters = sim.counters();
    const logs = demo.logTotals;
    const warnings = (logs.byLevel.WARN ?? 0) + (logs.byLevel.WARNING ?? 0);
    const errors = (logs.byLevel.ERROR ?? 0) + (logs.byLevel.CRITICAL ?? 0);
    if (logs.secretHits > 0) demo.fail(`${logs.secretHits} log line(s) contained a configuration secret`);
    if (counters.evaluationsForUnknownResources > 0) demo.fail(`${counters.evaluationsForUnknownResources} evaluation(s) named resources Config does not know`);
    const levels = Object.entries(logs.byLevel)
      .filter(([level]) => !['WARN', 'WARNING', 'ERROR', 'CRITICAL'].includes(level))
      .map(([level, n]) => `${n} ${level}`)
      .join(', ');
    const nodeWarnings = [...logs.processWarnings];
    for (const line of wrap(
      `Rule output (captured, kept out of the table; POWERTOOLS_LOG_LEVEL=INFO): ${logs.invocations} invocations, ` +
        `${levels || 'no other'} log lines, ${warnings} WARN, ${errors} ERROR, ${logs.metricDocuments} EMF metric documents; ` +
        `${logs.secretHits} lines contained a configuration secret.` +
        (nodeWarnings.length > 0 ? ` Node.js process warnings: ${nodeWarnings.join(', ')}${sdkNodeNotice(nodeWarnings)}.` : '') +
        ` Simulator: ${counters.totalCalls} API calls, ${counters.throttledTotal} throttled.`,
      '  ',
      WIDTH,
      '',
    )) {
      out(line);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (demo.failures.length > 0) {
      out(`SMOKE CHECK FAILED (${seconds} s):`);
      for (const problem of demo.failures) for (const line of wrap(problem, '    ', WIDTH, '  - ')) out(line);
      return 1;
    }
    const verdicts = ACCOUNTS.reduce((n, a) => n + demo.stored(a).length, 0);
    out(`Smoke check passed: all ${verdicts} stored verdicts are what the scenario expects (${seconds} s).`);
    return 0;
  } finally {
    await sim.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // SDK keep-alive sockets are closed with the simulator; never hang if something else lingers.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
