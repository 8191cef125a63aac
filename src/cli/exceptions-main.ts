// `npm run exceptions -- <validate|publish|report> ...`: the exceptions command on its own.
// The ecs-pidmode CLI mounts the same Command; nothing here but argv in, exit code out.
import { exceptionsCommand } from './exceptions';

exceptionsCommand()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
