// The CLI reports the package's own version. A named import lets esbuild inline that one field
// into dist/cli.js instead of the whole package.json.
import { version } from '../../package.json';

export const PACKAGE_VERSION: string = version;
