/**
 * How admin routes check what they are sent and what they answer: each route declares zod schemas
 * (`params`, `querystring`, `body`, and `response` for its success status) through
 * fastify-type-provider-zod, so one schema gives the validation, the handler's types and the serialized
 * answer. These compilers are set on the admin plugin's encapsulated context only: public routes keep
 * Fastify's defaults.
 *
 * A validation failure is Fastify's 400, answered by the root error handler as `INVALID_PAYLOAD` with
 * the message made here: the first problem as `name: message` (`status: Invalid option…`), or
 * `query: …`/`body: …` when it is about the input as a whole.
 */
import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { isStorableText } from '../shared/limits.js';

export { serializerCompiler as adminSerializerCompiler } from 'fastify-type-provider-zod';

export const UNSTORABLE_MESSAGE = 'must not contain NUL (U+0000) or half of a surrogate pair';

/**
 * The type provider's validator, after one check of its own: text the database cannot hold as sent (NUL,
 * half of a surrogate pair) is refused in any top-level parameter or body field, before a schema or a
 * query sees it — PostgreSQL would fail the statement (a 500) or search for U+FFFD instead.
 */
export const adminValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  return (data) => {
    const name = unstorableParameter(data);
    if (name === undefined) return validate(data);
    const error: FastifySchemaValidationError = { keyword: 'storable', instancePath: `/${name}`, schemaPath: '#/storable', params: {}, message: UNSTORABLE_MESSAGE };
    return { error: [error] };
  };
};

/** What a problem with the input as a whole is called, by Fastify's name of the part. */
const WHOLE: Readonly<Record<string, string>> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' };

/** One readable message: the first problem, `name: message` (nested names joined with dots). */
export const formatValidationErrors: Parameters<FastifyInstance['setSchemaErrorFormatter']>[0] = (errors, dataVar) => {
  const first = errors[0];
  const name = first?.instancePath.slice(1).replaceAll('/', '.') || (WHOLE[dataVar] ?? dataVar);
  return new Error(`${name}: ${first?.message ?? 'invalid'}`);
};

/** The name of the first parameter holding text that cannot be stored (a repeated parameter: any of its values). */
function unstorableParameter(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  for (const [name, value] of Object.entries(input)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && !isStorableText(v))) return name;
  }
  return undefined;
}
