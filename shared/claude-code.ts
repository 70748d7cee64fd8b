// Claude Code's auto mode through Loopgate (issue 24): the environment that can be set for it,
// in one place for the Connect page's setup and `loopgate run claude`.

/**
 * The variables for auto mode: the opt-in Claude Code asks of a gateway, and the model its
 * permission classifier asks for (2.1.278 otherwise asks for a hard-coded `claude-sonnet-5`,
 * which a gateway without that group refuses). No model: a catch-all group routes that name.
 */
export function claudeAutoModeEnv(model: string | null): Record<string, string> {
  return { CLAUDE_CODE_ENABLE_AUTO_MODE: '1', ...(model === null ? {} : { CLAUDE_CODE_AUTO_MODE_MODEL: model }) };
}

/**
 * What no variable can change. Offline (no feature flags fetched), 2.1.197–2.1.332 all allow auto
 * mode through Loopgate with the variables above; the issue saw 2.1.332 turn it off, presumably
 * by the settings it fetches from Anthropic.
 */
export const CLAUDE_AUTO_MODE_LIMIT = 'Claude Code may still turn auto mode off for a custom ANTHROPIC_BASE_URL (2.1.332 has been seen to), and no variable turns it back on.';
