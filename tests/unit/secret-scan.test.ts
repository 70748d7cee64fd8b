// The secret scan runs a rule only where the rule's anchor text occurs. These tests hold that
// shortcut to the rule set itself: on each rule's positives (made here, at test time) and on
// generated text around them, the anchored scan finds exactly what every rule run finds.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_ANCHORS, ruleNames, scanAllRules, scanText } from '../../electron/gateway/inference/secret-scan.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';

function random(length: number, alphabet: string): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A 1Password service-account token: base64 of its JSON, which must end in `fQ` (a lone closing brace), so the JSON is padded to fit. */
function onePasswordToken(): string {
  let json = '';
  for (let pad = ''; !json.endsWith('}') || json.length % 3 !== 1; pad += ' ') {
    json = JSON.stringify({
      email: `svc${pad.length}@1passwordserviceaccounts.lcl`,
      muk: { alg: 'A256GCM', k: random(43, ALNUM), kty: 'oct', kid: 'mp' },
      secretKey: random(34, UPPER + DIGITS),
      srpX: random(64, HEX),
      signInAddress: `my.1password.com${pad}`,
    });
  }
  return `ops_${Buffer.from(json).toString('base64')}`;
}

/** At least one positive per rule, as each rule's own patterns describe it. */
const POSITIVES: Record<string, string[]> = {
  aws: [
    `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    `aws_secret_access_key = ${random(39, `${ALNUM}/+`)}${random(1, ALNUM)}`,
    `"AWS_ACCOUNT_ID": "${random(4, DIGITS)}-${random(4, DIGITS)}-${random(4, DIGITS)}"`,
  ],
  npm: [`npm_${random(36, ALNUM)}`],
  slack: [`xoxb-${random(10, DIGITS)}-${random(13, DIGITS)}-${random(24, ALNUM)}`, `https://hooks.slack.com/services/T${random(10, UPPER + DIGITS)}/B${random(10, UPPER + DIGITS)}/${random(24, ALNUM)}`],
  basicauth: [`https://deployer:${random(14, ALNUM)}@build.internal.net/path`],
  openai: [`sk-proj-${random(74, ALNUM)}T3BlbkFJ${random(74, ALNUM)}`, `sk-${random(20, ALNUM)}T3BlbkFJ${random(20, ALNUM)}`],
  anthropic: [`sk-ant-api03-${random(93, ALNUM)}AA`],
  groq: [`gsk_${random(52, ALNUM)}`],
  huggingface: [`hf_${random(34, UPPER + LOWER)}`],
  linear: [`lin_api_${random(40, ALNUM)}`],
  notion: [`ntn_${random(11, DIGITS)}${random(35, ALNUM)}`],
  privatekey: [pem],
  sendgrid: [`SG.${random(22, ALNUM)}.${random(43, ALNUM)}`],
  shopify: [`shpat_${random(32, HEX)}`],
  github: [`ghp_${random(36, ALNUM)}`, `github_pat_${random(82, ALNUM)}`],
  gitlab: [`glpat-${random(20, ALNUM)}`],
  grafana: [`glc_${random(60, ALNUM)}`, `glsa_${random(32, ALNUM)}_${random(8, HEX)}`],
  '1password': [onePasswordToken()],
  'database-connection-string': [
    `postgres://admin:${random(16, ALNUM)}@db.prod.internal:5432/app`,
    `mongodb+srv://app:${random(16, ALNUM)}@cluster0.mongodb.net/app`,
    `mysql://root:${random(16, ALNUM)}@10.0.0.5:3306/shop`,
  ],
  'hashicorp-vault': [`hvs.${random(95, ALNUM)}`],
  vercel: [`vcp_${random(24, ALNUM)}`],
  databricks: [`dapi${random(32, HEX)}`],
  docker: [`dckr_pat_${random(27, ALNUM)}`],
  figma: [`figd_${random(40, ALNUM)}`],
};

/** Text around secrets: prose, code, JSON, URLs, and near misses of the anchors. */
const FILLER = [
  'the ',
  'deploy ',
  'const x = 1;\n',
  '{"key": "value"}',
  'my_var_name ',
  'obj.field ',
  'a-b ',
  'https://example.com/docs ',
  'Key: ',
  'id=',
  'secret ',
  'account ',
  'sk-',
  'gh_',
  'AKIA',
  'PRIVATE ',
  'dap',
  '\n',
  '  ',
  '"',
  "'",
];

describe('secret scan', () => {
  it('knows an anchor for every rule in the preset (a new rule runs on every text until it has one)', () => {
    expect(Object.keys(RULE_ANCHORS).sort()).toEqual(ruleNames().sort());
    // Without flags they join into the one pattern a clean text is passed over with.
    expect(Object.values(RULE_ANCHORS).filter((anchor) => anchor !== 'never' && anchor.flags !== '')).toEqual([]);
  });

  it.each(Object.entries(POSITIVES))('finds every %s positive, anchored as with every rule run', (rule, samples) => {
    for (const sample of samples) {
      const text = `Here is what I have:\n${sample}\nplease use it.`;
      const all = scanAllRules(text);
      expect(all.map((found) => found.rule)).toContain(rule);
      expect(scanText(text)).toEqual(all);
    }
  });

  it('finds the same with and without the anchors in generated text around the positives (fast-check, fixed seed)', () => {
    const samples = Object.values(POSITIVES).flat();
    const piece = fc.oneof(fc.constantFrom(...FILLER), fc.constantFrom(...samples), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(scanText(text)).toEqual(scanAllRules(text));
      }),
      { seed: 20261207, numRuns: 400 },
    );
  });

  it('finds nothing in ordinary prose and code', () => {
    const text = 'Refactor the function so that my_var_name is read once.\nconst config = { key: "value", id: 42 };\nSee https://example.com/docs for details.';
    expect(scanText(text)).toEqual([]);
    expect(scanAllRules(text)).toEqual([]);
  });
});
