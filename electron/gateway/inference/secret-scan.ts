// Finds credentials in prompt text with secretlint's recommended rule set, called directly
// (no linter around it) and only where a rule can match: each rule names the literal text its
// patterns require, and a text holding none of a rule's anchors never runs that rule. Texts
// that did hit an anchor are remembered by hash, since agents resend the whole conversation.
import { createHash } from 'node:crypto';
import { rules as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { LRUCache } from 'lru-cache';

/** One credential found: the rule's short name ("aws", "github", "privatekey") and the secret's text. */
export interface SecretFinding {
  rule: string;
  secret: string;
}

/** The slice of secretlint's rule API Loopgate calls (its own types package is not a dependency). */
interface RuleReport {
  message: { values: unknown[] };
  range: readonly [number, number];
}
interface RuleContext {
  report(report: RuleReport): void;
  ignore(): void;
  registerRule(): void;
  createTranslator(): (id: string, props?: Record<string, unknown>) => { values: unknown[] };
}
interface RuleCreator {
  meta: { id: string };
  create(context: RuleContext, options: Record<string, unknown>): { file?: (source: RuleSource) => unknown };
}
interface RuleSource {
  content: string;
  filePath: string;
  ext: string;
  contentType: 'text';
}

const RULE_PREFIX = '@secretlint/secretlint-rule-';
/** Prompt text cannot turn the guard off: the preset's `secretlint-disable` comment filter is left out. */
const LEFT_OUT = new Set(['filter-comments']);
/** AWS access key ids are credentials in a prompt too (the rule checks only secret keys unless asked). */
const OPTIONS: Record<string, Record<string, unknown>> = { aws: { enableIDScanRule: true } };

/**
 * What each rule's patterns cannot match without (read from the rules' own regular expressions;
 * a superset where a pattern ignores case). Each starts at a character prose seldom has (`_`,
 * `-`, `:`, a capital) and looks back from there, so passing over a clean text is cheap. A rule
 * missing here runs on every text; the unit test holds the anchored scan to the rules.
 */
export const RULE_ANCHORS: Readonly<Record<string, RegExp | 'never'>> = {
  // Key ids by prefix; secret keys and account ids only after `...key`/`...id`/`...account` and `:`, `=` or `=>`.
  aws: /A(?:3T|KIA|GPA|IDA|ROA|IPA|NPA|NVA|SIA)|[:=](?<=(?:[Kk]ey|KEY|[Ii]d|ID|ccount|CCOUNT)["']?\s*[:=])/,
  gcp: 'never', // reads .p12 and .json files by path only: nothing in a prompt
  // With no file path the rule reads text as package.json (x-oauth-basic URLs), never as .npmrc.
  npm: /_(?<=npm_)|:x-oauth-basic@/,
  slack: /-(?<=x(?:ox[bpaor]|app)-)|:\/\/[Hh][Oo][Oo][Kk][Ss]\./,
  // A URL reports only with a user and a password before its host.
  basicauth: /:\/\/[^:/\s]+:[^@/\s]+@/,
  openai: /T3BlbkFJ/,
  anthropic: /-(?<=sk-)ant-api0/,
  groq: /_(?<=gsk_)/,
  huggingface: /_(?<=hf_)/,
  linear: /_(?<=lin_)api_/,
  notion: /_(?<=ntn_)/,
  privatekey: /PRIVATE KEY/,
  sendgrid: /SG\./,
  shopify: /_(?<=shp(?:pa|ca|at|ss)_)/,
  github: /_(?<=gh[pousr]_|github_)/,
  gitlab: /-(?<=glpat-)/,
  grafana: /_(?<=gl(?:c|sa)_)/,
  '1password': /_(?<=ops_)ey/,
  'database-connection-string': /:\/\/[^:/\s]+:[^@/\s]+@/,
  'hashicorp-vault': /hv[sbr]\./,
  vercel: /_(?<=vc[pirk]_)/,
  databricks: /dapi/,
  docker: /_(?<=dckr_)pat_/,
  figma: /_(?<=figd_)/,
};

interface LoadedRule {
  name: string;
  /** null: runs on every text; 'never': cannot match a prompt. */
  anchor: RegExp | 'never' | null;
  run: (text: string) => SecretFinding[];
}

/** Each rule made once; a run collects its reports for the one text it is given. */
function loadRule(creator: RuleCreator): LoadedRule {
  const name = creator.meta.id.startsWith(RULE_PREFIX) ? creator.meta.id.slice(RULE_PREFIX.length) : creator.meta.id;
  let found: SecretFinding[] = [];
  let text = '';
  const context: RuleContext = {
    report: ({ message, range }) => found.push({ rule: name, secret: secretOf(text, message.values, range) }),
    ignore: () => undefined,
    registerRule: () => undefined,
    // The message (which quotes the secret) is never rendered: only its values are kept, to find the secret.
    createTranslator: () => (_id, props) => ({ values: Object.values(props ?? {}) }),
  };
  const handler = creator.create(context, OPTIONS[name] ?? {}).file;
  return {
    name,
    anchor: RULE_ANCHORS[name] ?? null,
    run(content) {
      found = [];
      text = content;
      // Rules that read files by path (gcp's .p12) return a promise; with no path they find nothing, so it is not awaited.
      handler?.({ content, filePath: '', ext: '.txt', contentType: 'text' });
      return found;
    },
  };
}

/**
 * The secret a report is about: the value it quotes, where that occurs in the text (some rules'
 * ranges start at the key name before it), else the reported range.
 */
function secretOf(text: string, values: unknown[], range: readonly [number, number]): string {
  for (const value of values) if (typeof value === 'string' && value.length >= 4 && text.includes(value)) return value;
  return text.slice(range[0], range[1]);
}

const RULES: readonly LoadedRule[] = (recommended as readonly RuleCreator[]).filter((creator) => !LEFT_OUT.has(creator.meta.id.slice(RULE_PREFIX.length))).map(loadRule);

/**
 * Every anchor in one pattern: a clean text (most prompts) is passed over once rather than once
 * per rule. None when a rule runs on every text, or an anchor has flags the others lack.
 */
const GATE: RegExp | null = RULES.every((rule) => rule.anchor === 'never' || (rule.anchor instanceof RegExp && rule.anchor.flags === ''))
  ? new RegExp(RULES.flatMap((rule) => (rule.anchor instanceof RegExp ? [rule.anchor.source] : [])).join('|'))
  : null;

/** The rule names in force, for docs and tests. */
export function ruleNames(): string[] {
  return RULES.map((rule) => rule.name);
}

/** Every rule on the text, anchors ignored: what the anchored scan must always equal. */
export function scanAllRules(text: string): SecretFinding[] {
  return RULES.flatMap((rule) => rule.run(text));
}

/** Texts this short hold no credential any rule knows (the shortest, a basic-auth URL, is longer). */
const MIN_TEXT = 12;
const MEMO_ENTRIES = 4096;
/** Bounded by count; keyed by a digest, so the texts are not kept (the findings, in memory only, are). */
const memo = new LRUCache<string, SecretFinding[]>({ max: MEMO_ENTRIES });

/** The credentials in one text; rules run only where their anchors occur, and an anchored text is scanned once. */
export function scanText(text: string): SecretFinding[] {
  if (text.length < MIN_TEXT || GATE?.test(text) === false) return [];
  const due = RULES.filter((rule) => rule.anchor === null || (rule.anchor !== 'never' && rule.anchor.test(text)));
  if (due.length === 0) return [];
  const key = createHash('sha256').update(text).digest('base64');
  const known = memo.get(key);
  if (known) return known;
  const found = due.flatMap((rule) => rule.run(text));
  memo.set(key, found);
  return found;
}
