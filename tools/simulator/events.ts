/**
 * Config rule events built from the simulator's state, in the shapes AWS Config sends a custom
 * Lambda rule (invokingEvent and ruleParameters as JSON strings). Used by the end-to-end tests
 * and the demo so both invoke the bundle exactly as Config would.
 */
import { configurationOfItem, resourceKey, type ConfigItemRecord, type SimState } from './state';
import { TASK_DEFINITION_RESOURCE_TYPE } from './model';

export interface RuleRef {
  readonly accountId: string;
  readonly configRuleName: string;
  /** From Simulator.issueResultToken, or "TESTMODE". */
  readonly resultToken: string;
  /** Sent as the rule parameter ExecutionRoleName (cross-account). */
  readonly executionRoleName?: string;
  /** Sent as the rule parameter ExceptionsS3Uri (s3://bucket/key of the exceptions document). */
  readonly exceptionsS3Uri?: string;
  readonly region?: string;
}

export interface ConfigRuleEventShape {
  version: '1.0';
  invokingEvent: string;
  ruleParameters: string;
  resultToken: string;
  eventLeftScope: boolean;
  executionRoleArn: string;
  configRuleArn: string;
  configRuleName: string;
  configRuleId: string;
  accountId: string;
}

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

function envelope(rule: RuleRef, invoking: object, eventLeftScope = false): ConfigRuleEventShape {
  const region = rule.region ?? 'us-east-1';
  const ruleId = `config-rule-${rule.configRuleName.length.toString(16)}${rule.accountId.slice(-4)}`;
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invoking),
    ruleParameters: JSON.stringify({
      ...(rule.executionRoleName ? { ExecutionRoleName: rule.executionRoleName } : {}),
      ...(rule.exceptionsS3Uri ? { ExceptionsS3Uri: rule.exceptionsS3Uri } : {}),
    }),
    resultToken: rule.resultToken,
    eventLeftScope,
    executionRoleArn: `arn:aws:iam::${rule.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:${region}:${rule.accountId}:config-rule/${ruleId}`,
    configRuleName: rule.configRuleName,
    configRuleId: ruleId,
    accountId: rule.accountId,
  };
}

/** The latest configuration item Config holds for a task definition, by its ARN or its resourceId. */
export function latestItem(state: SimState, accountId: string, ref: { arn?: string; resourceId?: string }): ConfigItemRecord {
  const rs = state.home(accountId);
  const resource = ref.arn
    ? rs.configByArn.get(ref.arn)
    : rs.configResources.get(resourceKey(TASK_DEFINITION_RESOURCE_TYPE, ref.resourceId ?? ''));
  const item = resource?.items[resource.items.length - 1];
  if (!item) throw new Error(`no configuration item for ${ref.arn ?? ref.resourceId} in ${accountId}`);
  return item;
}

function itemShape(item: ConfigItemRecord): Record<string, unknown> {
  return {
    relatedEvents: [],
    relationships: [],
    configuration: configurationOfItem(item) ?? null,
    supplementaryConfiguration: {},
    tags: {},
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: iso(item.captureTime),
    configurationStateId: Number(item.stateId) || item.captureTime * 1000,
    awsAccountId: item.accountId,
    configurationItemStatus: item.status,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName ?? null,
    ARN: item.arn ?? null,
    awsRegion: item.awsRegion,
    availabilityZone: 'Not Applicable',
    configurationStateMd5Hash: '',
  };
}

/** ConfigurationItemChangeNotification for the item's latest state. */
export function changeEvent(rule: RuleRef, item: ConfigItemRecord, options: { eventLeftScope?: boolean } = {}): ConfigRuleEventShape {
  return envelope(
    rule,
    {
      configurationItemDiff: null,
      configurationItem: itemShape(item),
      notificationCreationTime: iso(item.captureTime + 2),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    options.eventLeftScope,
  );
}

/** OversizedConfigurationItemChangeNotification: a summary only; the rule fetches the item. */
export function oversizedEvent(rule: RuleRef, item: ConfigItemRecord): ConfigRuleEventShape {
  const { configuration: _omitted, relatedEvents: _r, relationships: _s, supplementaryConfiguration: _c, tags: _t, ...summary } = itemShape(item);
  return envelope(rule, {
    configurationItemSummary: { changeType: 'UPDATE', ...summary },
    s3DeliverySummary: { s3BucketLocation: null, errorCode: null },
    notificationCreationTime: iso(item.captureTime + 2),
    messageType: 'OversizedConfigurationItemChangeNotification',
    recordVersion: '1.0',
  });
}

/** ScheduledNotification at `atSeconds` (epoch seconds). */
export function scheduledEvent(rule: RuleRef, atSeconds: number): ConfigRuleEventShape {
  return envelope(rule, {
    awsAccountId: rule.accountId,
    notificationCreationTime: iso(atSeconds),
    messageType: 'ScheduledNotification',
    recordVersion: '1.0',
  });
}

/** A Lambda-like context object for invoking the bundled handler. */
/** A Lambda context whose getRemainingTimeInMillis() counts down from `timeoutMs` (Lambda's maximum by default). */
export function lambdaContext(name = 'ecs-pid-mode-rule', timeoutMs = 900_000): Record<string, unknown> {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111111111111:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
