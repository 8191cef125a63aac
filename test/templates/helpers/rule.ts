// Shared facts about the Config rule, used by the SAM template and conformance pack tests.
import { asArray, asRecord, at } from './cfn';

/** Valid MaximumExecutionFrequency values (Config API reference, SourceDetail). */
export const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];

/** What must be identical between the single-account rule and the conformance pack rule. */
export function ruleShape(ruleProperties: Record<string, unknown>): Record<string, unknown> {
  const details = asArray(at(ruleProperties, 'Source', 'SourceDetails'), 'Source.SourceDetails')
    .map((detail) => asRecord(detail, 'SourceDetail'))
    .sort((a, b) => String(a.MessageType).localeCompare(String(b.MessageType)));
  return {
    ConfigRuleName: ruleProperties.ConfigRuleName,
    Owner: at(ruleProperties, 'Source', 'Owner'),
    SourceDetails: details,
    Scope: ruleProperties.Scope,
    InputParameters: ruleProperties.InputParameters,
    MaximumExecutionFrequency: ruleProperties.MaximumExecutionFrequency,
  };
}
