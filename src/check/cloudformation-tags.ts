// CloudFormation's short-form intrinsics (!Ref, !Sub, ...) as `yaml` custom tags that resolve to the
// long form ({ "Fn::Sub": ... }), so YAML and JSON templates read the same afterwards.
// Short forms: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

const FUNCTIONS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'ForEach', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join',
  'Length', 'Not', 'Or', 'Select', 'Split', 'Sub', 'ToJsonString', 'Transform',
] as const;

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function scalarArgument(name: string, value: string): unknown {
  // !GetAtt Resource.Attribute is the scalar form of ["Resource", "Attribute"].
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
  }
  return value;
}

/** Each function in its scalar, sequence and mapping form (`!If [...]`, `!Sub "..."`, `!Transform {...}`). */
export const CLOUDFORMATION_TAGS: ReadonlyArray<ScalarTag | CollectionTag> = ['Ref', 'Condition', ...FUNCTIONS].flatMap(
  (name) => [
    { tag: `!${name}`, resolve: (value: string) => ({ [longName(name)]: scalarArgument(name, value) }) },
    ...(['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longName(name)]: value.toJSON() }),
    })),
  ],
);
