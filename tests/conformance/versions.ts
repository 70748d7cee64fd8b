// The tool versions the conformance suite runs. Adding a Claude Code release is one line here;
// `npm run conformance` installs it into a cache directory and adds its row to the table.
export const CLAUDE_CODE_VERSIONS = ['2.1.154', '2.1.197', '2.1.278', '2.1.332'];
