// `loopgate env <tool>`: a launch plan as POSIX shell lines for `eval "$(loopgate env claude)"`.
// Variables become exports; arguments a tool takes only on its command line (Codex's `-c`
// overrides) become a shell function of the tool's name that adds them.
import type { LaunchPlan } from './tools.js';

/** A word in single quotes, safe for any shell reading POSIX syntax. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function shellLines(plan: LaunchPlan): string {
  const lines = Object.entries(plan.env).map(([name, value]) => (value === null ? `unset ${name}` : `export ${name}=${shellQuote(value)}`));
  if (plan.args.length > 0) lines.push(`${plan.command}() { command ${plan.command} ${plan.args.map(shellQuote).join(' ')} "$@"; }`);
  return `${lines.join('\n')}\n`;
}
