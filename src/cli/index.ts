// The ecs-pidmode program. Each command lives in its own file as a function returning a commander
// Command; the action sets process.exitCode and the process exits by itself (so output flushes).
import { Command, CommanderError } from 'commander';
import { checkCommand } from './check';
import { exceptionsCommand } from './exceptions';
import { PACKAGE_VERSION } from './package-info';
import { remediateCommand } from './remediate';
import { scanCommand } from './scan';

/** Registering a command is one line here. */
export const COMMANDS: ReadonlyArray<() => Command> = [checkCommand, scanCommand, remediateCommand, exceptionsCommand];

/** Usage errors and crashes: never 0 (passed) or 1 (findings), so CI cannot mistake them. */
export const FAILURE_EXIT_CODE = 2;

export function buildProgram(): Command {
  const program = new Command('ecs-pidmode')
    .description('Find ECS task definitions that share the host process namespace (pidMode: host).')
    .version(PACKAGE_VERSION)
    .showHelpAfterError();
  for (const command of COMMANDS) program.addCommand(command());
  throwInsteadOfExit(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the message (or the help / version asked for).
      process.exitCode = error.exitCode === 0 ? 0 : FAILURE_EXIT_CODE;
      return;
    }
    process.stderr.write(`ecs-pidmode: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = FAILURE_EXIT_CODE;
  }
}

// commander exits with 1 on a usage error, which would read as "findings"; addCommand does not
// pass exitOverride on to subcommands, so set it on every one.
function throwInsteadOfExit(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExit(sub);
}
