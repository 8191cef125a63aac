/**
 * AWS Config API subset (awsJson1_1, target prefix StarlingDoveService) the rule calls.
 * Defaults and limits from the Config API reference: history and compliance pages default to 10
 * and cap at 100; PutEvaluations takes at most 100 evaluations and rejects INSUFFICIENT_DATA.
 */
import type { JsonOperation } from './context';
import { parseSelectExpression, projectFields } from './config-query';
import { AwsError, validationError } from './errors';
import { decodePageToken, page } from './pagination';
import {
  optBoolean,
  optInteger,
  optObjectList,
  optString,
  optStringList,
  optTimestamp,
  type JsonInput,
} from './params';
import { configurationOfItem, configurationValue, resourceKey, type ConfigItemRecord, type StoredEvaluation } from './state';
import type { ComplianceType } from './model';

const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextTokenException', 'The nextToken provided is invalid');

/** Config's resource ids and types are at most this long (ComplianceResourceId 768, type 256). */
const MAX_RESOURCE_ID = 768;
const MAX_RESOURCE_TYPE = 256;
const MAX_ANNOTATION = 256;
const MAX_EXPRESSION = 4096;
const PUT_EVALUATIONS_MAX = 100;
/** Unverified for SelectResourceConfig: SelectAggregateResourceConfig documents 25 for non-aggregate queries. */
const SELECT_DEFAULT_LIMIT = 25;
const STORABLE: readonly string[] = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'];
const LIVE_STATUSES: readonly string[] = ['OK', 'ResourceDiscovered'];

const itemJson = (item: ConfigItemRecord): Record<string, unknown> => ({
  version: '1.3',
  accountId: item.accountId,
  configurationItemCaptureTime: item.captureTime,
  configurationItemDeliveryTime: item.captureTime,
  configurationItemStatus: item.status,
  configurationStateId: item.stateId,
  configurationItemMD5Hash: '',
  ...(item.arn !== undefined ? { arn: item.arn } : {}),
  resourceType: item.resourceType,
  resourceId: item.resourceId,
  ...(item.resourceName !== undefined ? { resourceName: item.resourceName } : {}),
  awsRegion: item.awsRegion,
  availabilityZone: 'Regional',
  ...(item.resourceCreationTime !== undefined ? { resourceCreationTime: item.resourceCreationTime } : {}),
  tags: {},
  relatedEvents: [],
  relationships: [],
  // Config's API returns the configuration as a JSON string, unlike the object in rule events.
  ...(configurationOfItem(item) !== undefined ? { configuration: JSON.stringify(configurationOfItem(item)) } : {}),
  supplementaryConfiguration: {},
  recordingFrequency: 'CONTINUOUS',
});

const getResourceConfigHistory: JsonOperation = (ctx, input) => {
  const resourceType = optString(input, 'resourceType');
  const resourceId = optString(input, 'resourceId');
  if (!resourceType) throw validationError("Value null at 'resourceType' failed to satisfy constraint: Member must not be null");
  if (!resourceId) throw validationError("Value null at 'resourceId' failed to satisfy constraint: Member must not be null");
  const laterTime = optTimestamp(input, 'laterTime');
  const earlierTime = optTimestamp(input, 'earlierTime');
  const order = optString(input, 'chronologicalOrder') ?? 'Reverse';
  if (order !== 'Reverse' && order !== 'Forward') throw validationError(`Invalid chronologicalOrder: ${order}`);
  const limit = optInteger(input, 'limit') ?? 0;
  if (limit < 0 || limit > 100) throw new AwsError('InvalidLimitException', 'The limit must be between 0 and 100.');
  const latest = laterTime ?? ctx.now;
  if (earlierTime !== undefined && earlierTime > latest) {
    throw new AwsError('InvalidTimeRangeException', 'The earlierTime must be before the laterTime.');
  }
  const resource = ctx.rs.configResources.get(resourceKey(resourceType, resourceId));
  if (!resource) {
    throw new AwsError(
      'ResourceNotDiscoveredException',
      `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
    );
  }
  const binding = `config:GetResourceConfigHistory:${ctx.rs.accountId}:${ctx.rs.region}:${JSON.stringify([
    resourceType,
    resourceId,
    laterTime,
    earlierTime,
    order,
  ])}`;
  const offset = decodePageToken(optString(input, 'nextToken'), binding, invalidNextToken);
  const inRange = resource.items.filter(
    (item) => item.captureTime <= latest && (earlierTime === undefined || item.captureTime >= earlierTime),
  );
  if (order === 'Reverse') inRange.reverse();
  const result = page(inRange, offset, limit === 0 ? 10 : limit, binding);
  return {
    configurationItems: result.items.map(itemJson),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
};

const selectResourceConfig: JsonOperation = (ctx, input) => {
  const expression = optString(input, 'Expression');
  if (expression === undefined || expression.length === 0) {
    throw validationError("Value null at 'expression' failed to satisfy constraint: Member must not be null");
  }
  if (expression.length > MAX_EXPRESSION) {
    throw validationError(
      `Value at 'expression' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EXPRESSION}`,
    );
  }
  const limit = optInteger(input, 'Limit') ?? 0;
  if (limit < 0 || limit > 100) throw new AwsError('InvalidLimitException', 'The limit must be between 0 and 100.');
  const query = parseSelectExpression(expression);
  const key = `select:${JSON.stringify(query)}`;
  const binding = `config:SelectResourceConfig:${ctx.rs.accountId}:${ctx.rs.region}:${key}`;
  const offset = decodePageToken(optString(input, 'NextToken'), binding, invalidNextToken);

  const { rs } = ctx;
  let cached = rs.queryCache.get(key);
  if (!cached || cached.generation !== rs.configGeneration) {
    const candidates =
      query.arns !== undefined
        ? [...new Set(query.arns.map((arn) => rs.configByArn.get(arn)).filter((r) => r !== undefined))]
        : query.resourceIds !== undefined
          ? [...new Set(query.resourceIds.map((id) => rs.configResources.get(resourceKey(query.resourceType, id))).filter((r) => r !== undefined))]
          : rs.configResourceList;
    const rows: string[] = [];
    for (const resource of candidates) {
      const item = resource.items.at(-1);
      // Deleted and no-longer-recorded resources are not in the advanced query's inventory.
      if (!item || item.resourceType !== query.resourceType || !LIVE_STATUSES.includes(item.status)) continue;
      if (query.arns !== undefined && (item.arn === undefined || !query.arns.includes(item.arn))) continue;
      if (query.pidMode !== undefined && configurationValue(item, 'PidMode') !== query.pidMode) continue;
      const top = {
        resourceId: item.resourceId,
        resourceName: item.resourceName,
        resourceType: item.resourceType,
        arn: item.arn,
        accountId: item.accountId,
        awsRegion: item.awsRegion,
      };
      rows.push(JSON.stringify(projectFields(query.fields, top, (key) => configurationValue(item, key))));
    }
    // Unbounded IN-lists would otherwise grow the cache without limit.
    if (rs.queryCache.size > 512) rs.queryCache.clear();
    cached = { generation: rs.configGeneration, rows };
    rs.queryCache.set(key, cached);
  }
  const result = page(cached.rows as string[], offset, limit === 0 ? SELECT_DEFAULT_LIMIT : limit, binding);
  return {
    Results: result.items,
    QueryInfo: { SelectFields: query.fields.map((Name) => ({ Name })) },
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

const evaluationResultJson = (e: StoredEvaluation): Record<string, unknown> => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: e.configRuleName,
      ResourceType: e.resourceType,
      ResourceId: e.resourceId,
      EvaluationMode: 'DETECTIVE',
    },
    OrderingTimestamp: e.orderingTimestamp,
  },
  ComplianceType: e.complianceType,
  ResultRecordedTime: e.resultRecordedTime,
  ConfigRuleInvokedTime: e.configRuleInvokedTime,
  ...(e.annotation !== undefined ? { Annotation: e.annotation } : {}),
});

const getComplianceDetailsByConfigRule: JsonOperation = (ctx, input) => {
  const rule = optString(input, 'ConfigRuleName');
  if (!rule) throw validationError("Value null at 'configRuleName' failed to satisfy constraint: Member must not be null");
  const types = optStringList(input, 'ComplianceTypes') ?? [];
  for (const type of types) {
    if (!STORABLE.includes(type)) {
      throw new AwsError('InvalidParameterValueException', `ComplianceTypes cannot contain ${type}.`);
    }
  }
  const limit = optInteger(input, 'Limit') ?? 0;
  if (limit < 0 || limit > 100) {
    throw validationError(`Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100`);
  }
  if (!ctx.rs.configRules.has(rule)) {
    throw new AwsError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${rule}' provided in the request is invalid. Please check the configRule name.`,
    );
  }
  const key = `compliance:${JSON.stringify([rule, [...types].sort()])}`;
  const binding = `config:GetComplianceDetailsByConfigRule:${ctx.rs.accountId}:${ctx.rs.region}:${key}`;
  const offset = decodePageToken(optString(input, 'NextToken'), binding, invalidNextToken);
  let cached = ctx.rs.queryCache.get(key);
  if (!cached || cached.generation !== ctx.rs.evaluationGeneration) {
    const all = [...(ctx.rs.evaluations.get(rule)?.values() ?? [])];
    // Unverified: with no filter, Config is taken to return every stored compliance type.
    const rows = types.length === 0 ? all : all.filter((e) => types.includes(e.complianceType));
    cached = { generation: ctx.rs.evaluationGeneration, rows };
    ctx.rs.queryCache.set(key, cached);
  }
  const result = page(cached.rows as StoredEvaluation[], offset, limit === 0 ? 10 : limit, binding);
  return {
    EvaluationResults: result.items.map(evaluationResultJson),
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

/** Every rule's result for one resource (the API has no rule filter; callers pick theirs). */
const getComplianceDetailsByResource: JsonOperation = (ctx, input) => {
  const resourceType = optString(input, 'ResourceType');
  const resourceId = optString(input, 'ResourceId');
  if (!resourceType || !resourceId) throw validationError('ResourceType and ResourceId are required (ResourceEvaluationId is not modelled)');
  const types = optStringList(input, 'ComplianceTypes') ?? [];
  for (const type of types) {
    if (!STORABLE.includes(type)) throw new AwsError('InvalidParameterValueException', `ComplianceTypes cannot contain ${type}.`);
  }
  const binding = `config:GetComplianceDetailsByResource:${ctx.rs.accountId}:${ctx.rs.region}:${JSON.stringify([resourceType, resourceId, [...types].sort()])}`;
  const offset = decodePageToken(optString(input, 'NextToken'), binding, invalidNextToken);
  const rows: StoredEvaluation[] = [];
  for (const byResource of ctx.rs.evaluations.values()) {
    const e = byResource.get(resourceKey(resourceType, resourceId));
    if (e && (types.length === 0 || types.includes(e.complianceType))) rows.push(e);
  }
  const result = page(rows, offset, 10, binding);
  return {
    EvaluationResults: result.items.map(evaluationResultJson),
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

interface ValidEvaluation {
  raw: JsonInput;
  resourceType: string;
  resourceId: string;
  complianceType: ComplianceType;
  annotation?: string;
  orderingTimestamp: number;
}

const validateEvaluation = (raw: JsonInput, index: number): ValidEvaluation => {
  const at = (member: string): string => `evaluations.${index + 1}.member.${member}`;
  const resourceType = optString(raw, 'ComplianceResourceType');
  const resourceId = optString(raw, 'ComplianceResourceId');
  const complianceType = optString(raw, 'ComplianceType');
  const annotation = optString(raw, 'Annotation');
  const orderingTimestamp = optTimestamp(raw, 'OrderingTimestamp');
  const lengthError = (member: string, value: string, min: number, max: number): AwsError =>
    validationError(
      `Value '${value.length > 40 ? `${value.slice(0, 40)}...` : value}' at '${at(member)}' failed to satisfy constraint: ` +
        `Member must have length ${value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  if (resourceType === undefined) throw validationError(`Value null at '${at('complianceResourceType')}' failed to satisfy constraint: Member must not be null`);
  if (resourceType.length < 1 || resourceType.length > MAX_RESOURCE_TYPE) throw lengthError('complianceResourceType', resourceType, 1, MAX_RESOURCE_TYPE);
  if (resourceId === undefined) throw validationError(`Value null at '${at('complianceResourceId')}' failed to satisfy constraint: Member must not be null`);
  if (resourceId.length < 1 || resourceId.length > MAX_RESOURCE_ID) throw lengthError('complianceResourceId', resourceId, 1, MAX_RESOURCE_ID);
  if (complianceType === undefined) throw validationError(`Value null at '${at('complianceType')}' failed to satisfy constraint: Member must not be null`);
  if (!STORABLE.includes(complianceType)) {
    throw new AwsError(
      'InvalidParameterValueException',
      `The ComplianceType ${complianceType} is not supported; use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.`,
    );
  }
  if (annotation !== undefined && (annotation.length < 1 || annotation.length > MAX_ANNOTATION)) {
    throw lengthError('annotation', annotation, 1, MAX_ANNOTATION);
  }
  if (orderingTimestamp === undefined) throw validationError(`Value null at '${at('orderingTimestamp')}' failed to satisfy constraint: Member must not be null`);
  return {
    raw,
    resourceType,
    resourceId,
    complianceType: complianceType as ComplianceType,
    orderingTimestamp,
    ...(annotation !== undefined ? { annotation } : {}),
  };
};

const putEvaluations: JsonOperation = (ctx, input) => {
  const evaluations = optObjectList(input, 'Evaluations') ?? [];
  if (evaluations.length > PUT_EVALUATIONS_MAX) {
    throw validationError(
      `Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to ${PUT_EVALUATIONS_MAX}`,
    );
  }
  const valid = evaluations.map(validateEvaluation);
  const testMode = optBoolean(input, 'TestMode') ?? false;
  const token = optString(input, 'ResultToken');
  if (token === undefined || token.length === 0) {
    throw validationError("Value null at 'resultToken' failed to satisfy constraint: Member must not be null");
  }
  if (testMode) {
    // The rule development kit passes "TESTMODE" when testing; TestMode stores nothing either way.
    if (token !== 'TESTMODE' && !ctx.state.resultTokens.has(token)) {
      throw new AwsError('InvalidResultTokenException', 'The result token is invalid.');
    }
    return { FailedEvaluations: [] };
  }
  const record = ctx.state.resultTokens.get(token);
  // A token only works in the account and Region whose Config issued it: a central account
  // cannot report into a member account without that account's credentials.
  if (!record || record.accountId !== ctx.rs.accountId || record.region !== ctx.rs.region) {
    throw new AwsError('InvalidResultTokenException', 'The result token is invalid.');
  }
  const fault = ctx.faults.take(
    { service: 'config', operation: 'PutEvaluations', accountId: ctx.rs.accountId },
    'FailedEvaluations',
  );
  const failedCount = fault ? Math.min(valid.length, fault.failedEvaluations ?? valid.length) : 0;
  if (fault) ctx.counters.fault(ctx.rs.accountId, 'config', 'PutEvaluations');
  let byResource = ctx.rs.evaluations.get(record.configRuleName);
  if (!byResource) {
    byResource = new Map();
    ctx.rs.evaluations.set(record.configRuleName, byResource);
  }
  let stored = 0;
  let ignored = 0;
  let unknown = 0;
  valid.slice(failedCount).forEach((e) => {
    const key = resourceKey(e.resourceType, e.resourceId);
    if (!ctx.rs.configResources.has(key)) unknown += 1;
    const existing = byResource.get(key);
    // Config keeps the result with the latest OrderingTimestamp; an older one is accepted and dropped.
    if (existing && existing.orderingTimestamp > e.orderingTimestamp) {
      ignored += 1;
      return;
    }
    byResource.set(key, {
      configRuleName: record.configRuleName,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      complianceType: e.complianceType,
      orderingTimestamp: e.orderingTimestamp,
      resultRecordedTime: ctx.now,
      configRuleInvokedTime: record.issuedAt,
      ...(e.annotation !== undefined ? { annotation: e.annotation } : {}),
    });
    stored += 1;
  });
  ctx.rs.evaluationGeneration += 1;
  ctx.counters.evaluations(stored, ignored, failedCount, unknown);
  return { FailedEvaluations: valid.slice(0, failedCount).map((e) => e.raw) };
};

export const CONFIG_OPERATIONS: Readonly<Record<string, JsonOperation>> = {
  GetResourceConfigHistory: getResourceConfigHistory,
  SelectResourceConfig: selectResourceConfig,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  GetComplianceDetailsByResource: getComplianceDetailsByResource,
  PutEvaluations: putEvaluations,
};
