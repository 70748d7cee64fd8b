// The real Claude Code binary, offline with a throw-away HOME, asking for a web search through an
// OpenAI-chat upstream (issue 24). Its WebSearch tool sends Loopgate the web_search server tool,
// forced; Claude Code counts the server_tool_use and web_search_tool_result blocks it gets back
// (searchCount, "Did N searches"). With a local SearXNG-shaped provider the count is 1 and the
// results are the provider's; without one Claude Code shows Loopgate's error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE, claudeEnv, runTool, throwAwayHome } from '../helpers/real-tools.js';
import { TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startSearchGateways, type SearchGateways } from '../helpers/search-gateways.js';

let searched: SearchGateways;
let withSearch: TestGateway;
let without: TestGateway;

beforeAll(async () => {
  searched = await startSearchGateways();
  ({ withSearch, without } = searched);
});

afterAll(async () => {
  await searched?.close();
});

type StreamLine = { type: string; message?: { content?: unknown }; tool_use_result?: unknown; result?: string };

/** `claude -p` with stream-json output: every message, the tool results' data included. */
function claudeCode(gw: TestGateway, prompt: string): Promise<StreamLine[]> {
  const home = throwAwayHome();
  const args = ['-p', prompt, '--model', 'via-chat', '--output-format', 'stream-json', '--verbose', '--allowedTools', 'WebSearch'];
  return runTool(CLAUDE, args, claudeEnv(home, gw.url, TEST_MASTER_KEY), home, 90_000).then(({ code, stdout, stderr }) => {
    if (code !== 0) throw new Error(`claude exited ${String(code)}: ${stderr}${stdout.slice(-2000)}`);
    return stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as StreamLine);
  });
}

/** The WebSearch tool's results as Claude Code recorded them. */
function searchResults(lines: StreamLine[]): Array<{ query: string; searchCount: number; results: unknown[] }> {
  return lines.flatMap((line) =>
    line.type === 'user' && typeof line.tool_use_result === 'object' && line.tool_use_result !== null && 'searchCount' in line.tool_use_result
      ? [line.tool_use_result as { query: string; searchCount: number; results: unknown[] }]
      : [],
  );
}

function toolResultText(lines: StreamLine[]): string {
  return lines
    .filter((line) => line.type === 'user')
    .flatMap((line) => (Array.isArray(line.message?.content) ? (line.message.content as Array<{ type: string; content?: unknown }>) : []))
    .filter((block) => block.type === 'tool_result')
    .map((block) => JSON.stringify(block.content))
    .join('\n');
}

describe('Claude Code WebSearch through an OpenAI-chat upstream', () => {
  it('with a search provider: Claude Code counts the search and shows the provider results', async () => {
    const lines = await claudeCode(withSearch, 'Search the web for loopgate release notes');
    const [search] = searchResults(lines);
    expect(search, JSON.stringify(lines).slice(0, 3000)).toBeDefined();
    expect(search!.query).toBe('loopgate release notes');
    expect(search!.searchCount).toBe(1);
    expect(JSON.stringify(search!.results)).toContain('https://searxng.example/1?q=loopgate%20release%20notes');
    expect(searched.searx.queries).toContain('loopgate release notes');
    expect(lines.at(-1)).toMatchObject({ type: 'result', is_error: false });
  }, 120_000);

  it('without one: Claude Code shows the error that says how to enable search', async () => {
    const lines = await claudeCode(without, 'Search the web for loopgate release notes');
    const [search] = searchResults(lines);
    // Claude Code says the 400 as the search's result, not as search results: no search counted.
    expect(search?.searchCount).toBe(0);
    expect(search?.results).toEqual([expect.stringMatching(/^API Error: 400 .*no search provider is set in Loopgate\. Choose one under Providers → Web search/)]);
    expect(toolResultText(lines)).toContain('no search provider is set in Loopgate');
  }, 120_000);
});
