// Entry point of dist/cli.js (and of `tsx src/cli/bin.ts` during development).
import { main } from './index';

void main();
