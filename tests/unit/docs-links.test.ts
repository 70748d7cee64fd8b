// The README is the front door and docs/ holds one page per topic: every relative link and
// `#anchor` in them must land (GitHub's heading slugs), the README stays short, and no docs page
// is an orphan that nobody can reach from the README.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';

const README = join(PROJECT_ROOT, 'README.md');
const DOCS = join(PROJECT_ROOT, 'docs');
const MAX_README_LINES = 250;

interface Link {
  from: string;
  target: string;
  line: number;
}

/** Markdown text outside fenced code blocks, with inline code spans blanked, line by line. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
  });
}

/** GitHub's heading anchor (github-slugger): lower case, punctuation and symbols dropped, spaces to hyphens, repeats numbered. */
function slugs(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const plain = (heading[1] ?? '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] ?? '';
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ from: file, target, line: index + 1 });
    }
  });
  return links;
}

/** What is wrong with one relative link, or null when it lands. */
function brokenReason(link: Link): string | null {
  const [path = '', anchor] = link.target.split('#', 2);
  const file = path === '' ? link.from : resolve(dirname(link.from), decodeURIComponent(path));
  if (!existsSync(file)) return `no such file ${relative(PROJECT_ROOT, file)}`;
  if (anchor === undefined) return null;
  if (!file.endsWith('.md') || statSync(file).isDirectory()) return `an anchor into ${relative(PROJECT_ROOT, file)}, which has no headings`;
  return slugs(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor)) ? null : `no heading #${anchor} in ${relative(PROJECT_ROOT, file)}`;
}

const docsPages = (): string[] =>
  readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name));

describe('the README and docs/', () => {
  it('slugs headings as GitHub does', () => {
    const text = '# Dialects × provider families\n## Coming from LiteLLM: what carries over\n## Headless: `loopgate serve`\n## Notes\n## Notes\n```\n# not a heading\n```\n';
    expect([...slugs(text)]).toEqual(['dialects--provider-families', 'coming-from-litellm-what-carries-over', 'headless-loopgate-serve', 'notes', 'notes-1']);
  });

  it('has no relative link or anchor that leads nowhere', () => {
    const files = [README, ...docsPages()];
    const links = files.flatMap(linksOf);
    expect(links.length).toBeGreaterThan(20);
    const broken = links.flatMap((link) => {
      const reason = brokenReason(link);
      return reason ? [`${relative(PROJECT_ROOT, link.from)}:${link.line} (${link.target}): ${reason}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it(`keeps the README a front door of at most ${MAX_README_LINES} lines, with the two commands for a newcomer`, () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_README_LINES);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toMatch(/^npm test\b/m);
    const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['start', 'test']));
  });

  it('reaches every docs page from the README, directly or through a page it links', () => {
    const reached = new Set<string>([README]);
    const queue = [README];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const link of linksOf(file)) {
        const path = link.target.split('#', 1)[0] ?? '';
        if (!path.endsWith('.md')) continue;
        const target = resolve(dirname(file), decodeURIComponent(path));
        if (existsSync(target) && !reached.has(target)) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    const orphans = docsPages().filter((page) => !reached.has(page));
    expect(orphans.map((page) => relative(PROJECT_ROOT, page))).toEqual([]);
  });
});
