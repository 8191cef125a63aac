// pidMode is a task definition parameter; container definitions have no such field, and ECS,
// CloudFormation and Terraform's AWS provider do not use one written there. Checkov's CKV_AWS_335
// looks only there; we say honestly that it is misplaced, so nobody believes it took effect.
import { isRecord, quote } from './findings';
import type { Finding } from './findings';
import type { SourcePosition } from './source';

export function misplacedPidModes(
  containers: unknown,
  resource: string,
  positionFor: (container: Record<string, unknown>, key: string) => SourcePosition | undefined,
): Finding[] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container, index) => {
    if (!isRecord(container)) return [];
    const name = container.Name ?? container.name;
    const label = typeof name === 'string' ? `"${name}"` : `#${index + 1}`;
    return Object.keys(container)
      .filter((key) => key.toLowerCase() === 'pidmode')
      .map((key): Finding => {
        const position = positionFor(container, key);
        return {
          rule: 'misplaced',
          resource,
          message:
            `${key} ${quote(container[key])} in container definition ${label} has no effect: ` +
            'pidMode is a task definition setting, not a container one',
          ...(position ? { position } : {}),
        };
      });
  });
}
