// Validates request bodies against OpenAI's official OpenAPI description in ../shared/specs.
// The spec mixes OpenAPI 3.0's `nullable` into a 3.1 document; it is normalised to JSON Schema
// 2020-12 once, then ajv compiles only the schemas a test asks for.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

// The team's copy in ../shared/specs is the contract; a clone without it (CI) uses the vendored
// copy in tests/fixtures/openai-spec, which carries its LICENSE and VERSION.
const SHARED_SPEC = fileURLToPath(new URL('../../../shared/specs/openai-openapi.yaml', import.meta.url));
const VENDORED_SPEC = fileURLToPath(new URL('../fixtures/openai-spec/openai-openapi.yaml', import.meta.url));
const OPENAI_SPEC_PATH = existsSync(SHARED_SPEC) ? SHARED_SPEC : VENDORED_SPEC;

type Schema = Record<string, unknown>;

function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'nullable' || key.startsWith('x-')) continue;
    out[key] = normalise(value);
  }
  if ((node as Schema).nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

function openAIValidator(schemaName: string): ValidateFunction {
  if (!ajv) {
    const spec = parse(readFileSync(OPENAI_SPEC_PATH, 'utf8')) as { components: { schemas: Schema } };
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'openai', components: normalise(spec.components) }, 'openai');
  }
  let validate = compiled.get(schemaName);
  if (!validate) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${schemaName}` });
    compiled.set(schemaName, validate);
  }
  return validate;
}

/** The schema's errors for `body`, as readable lines; empty when it conforms. */
export function specErrors(schemaName: string, body: unknown): string[] {
  const validate = openAIValidator(schemaName);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
