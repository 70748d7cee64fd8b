// tsc does not keep file modes; the `loopgate` bin must be executable for npx and npm link.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../../dist/electron/cli.js', import.meta.url), 0o755);
