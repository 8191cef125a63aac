// One file's text in, its format and findings out. Knows nothing of files, output or exit codes.
import { CheckInputError } from '../core/errors';
import { checkCloudFormation, isCloudFormationTemplate } from './cloudformation';
import { CHECK_FORMATS } from './findings';
import type { CheckFormat, Finding } from './findings';
import { parseSource } from './source';
import { checkTaskDefinition, taskDefinitionIn } from './task-definition-json';
import { checkTerraformPlan, isTerraformPlan } from './terraform-plan';

export interface SourceCheck {
  readonly format: CheckFormat;
  readonly findings: readonly Finding[];
}

/** @throws CheckInputError when the text does not parse or is none of the formats we check */
export function checkSource(text: string): SourceCheck {
  const source = parseSource(text);
  if (isTerraformPlan(source.root)) return { format: CHECK_FORMATS.terraformPlan, findings: checkTerraformPlan(source) };
  if (isCloudFormationTemplate(source.root)) return { format: CHECK_FORMATS.cloudFormation, findings: checkCloudFormation(source) };
  if (taskDefinitionIn(source.root)) return { format: CHECK_FORMATS.taskDefinition, findings: checkTaskDefinition(source) };
  // Failing here rather than passing keeps a mistyped path or a state file from passing CI silently.
  throw new CheckInputError(
    'not a CloudFormation/SAM template (no Resources), a Terraform plan (terraform show -json plan.out) ' +
      'or an ECS task definition (containerDefinitions or taskDefinition)',
  );
}
