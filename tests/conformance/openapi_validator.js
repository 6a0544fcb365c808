// Validates HTTP responses against an OpenAPI 3.0 (or Swagger 2.0) document with Ajv (a
// maintained JSON Schema validator): the operation's documented response for the status, then
// the JSON body against that response's schema. OpenAPI's `nullable` is rewritten to JSON
// Schema before compiling; a Swagger 2.0 document is first moved into OpenAPI 3's places.
'use strict';

const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

// Rewrites OpenAPI 3.0 into what a JSON Schema validator checks as the document means it:
//  - {nullable: true, ...s} → {anyOf: [{type: 'null'}, s]}; a typed property whose description
//    documents `null` (PagerDuty: resolved_at "or `null` if the incident is not resolved", a
//    layer's end "If `null`, the layer does not end") is nullable too;
//  - oneOf → anyOf: PagerDuty's unions have overlapping branches (every Channel branch accepts
//    {"type":"api"}), which no response could match exactly once.
function rewriteNullable(node) {
  if (Array.isArray(node)) {
    node.forEach(rewriteNullable);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const value of Object.values(node)) rewriteNullable(value);
  if (Array.isArray(node.oneOf)) {
    node.anyOf = node.oneOf;
    delete node.oneOf;
  }
  const documentsNull = typeof node.type === 'string' && typeof node.description === 'string' &&
    /\bnull\b/.test(node.description);
  if (node.nullable === true || documentsNull) {
    const copy = { ...node };
    delete copy.nullable;
    for (const k of Object.keys(node)) delete node[k];
    node.anyOf = [{ type: 'null' }, copy];
  }
}

// Swagger 2.0 (Opsgenie's document) into the OpenAPI 3 places the validator reads:
// definitions → components.schemas, responses → components.responses, a response's `schema`
// → content[<the operation's `produces`, else application/json>].schema, and every $ref to
// them rewritten. Nothing else changes; Ajv validates the schemas as they are.
function fromSwagger2(doc) {
  const wrap = (response, media = 'application/json') => {
    if (response && response.schema) {
      response.content = { [media]: { schema: response.schema } };
      delete response.schema;
    }
  };
  for (const item of Object.values(doc.paths || {})) {
    for (const op of Object.values(item)) {
      if (!op || !op.responses) continue;
      const media = (op.produces || doc.produces || ['application/json'])[0];
      // Shared error responses ($ref) stay JSON; only the operation's own bodies take `produces`.
      for (const [status, response] of Object.entries(op.responses)) {
        wrap(response, status.startsWith('2') ? media : 'application/json');
      }
    }
  }
  Object.values(doc.responses || {}).forEach((response) => wrap(response));
  doc.components = { schemas: doc.definitions || {}, responses: doc.responses || {} };
  delete doc.definitions;
  delete doc.responses;
  const refs = (node) => {
    if (Array.isArray(node)) return node.forEach(refs);
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      node.$ref = node.$ref.replace(/^#\/definitions\//, '#/components/schemas/')
        .replace(/^#\/responses\//, '#/components/responses/');
    }
    Object.values(node).forEach(refs);
  };
  refs(doc);
}

function escapePointer(s) {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

class OpenApiValidator {
  // `errata(doc)` corrects what the provider's document contradicts itself on (see callers).
  constructor(file, id, errata) {
    this.id = id;
    this.doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (this.doc.swagger === '2.0') fromSwagger2(this.doc);
    rewriteNullable(this.doc);
    if (errata) errata(this.doc);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of ['tzinfo', 'activesupport-time-zone', 'partial-time', 'TEXTAREA', 'url']) {
      this.ajv.addFormat(f, true);
    }
    this.ajv.addSchema(this.doc, id);
    this.compiled = new Map();
  }

  // Resolves a local "#/..." $ref into [object, pointer].
  follow(obj, pointer) {
    // PagerDuty's Events document puts some response $refs in `description` by mistake.
    const misplaced = (o) => !o.content && /^#\/components\/responses\/\w+$/.test(o.description || '') &&
      (this.doc.components.responses || {})[o.description.split('/').pop()] !== undefined;
    while (obj && (obj.$ref || misplaced(obj))) {
      pointer = obj.$ref || obj.description;
      obj = pointer
        .slice(2)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((o, k) => (o ? o[k] : undefined), this.doc);
    }
    return [obj, pointer];
  }

  // The response headers the document lists for `status` of `method template` (lower case).
  documentedHeaders(method, template, status) {
    const op = (this.doc.paths[template] || {})[method.toLowerCase()];
    if (!op) return [];
    const responses = op.responses || {};
    const key = String(status);
    const found = key in responses ? key : 'default';
    const [response] = this.follow(responses[found], '');
    return Object.keys((response && response.headers) || {}).map((h) => h.toLowerCase());
  }

  // Errors (strings) of one response; empty when it conforms.
  // `documented`: the status whose schema applies when the document lists the response under
  // another code (PagerDuty documents GET /schedules/{id}/overrides as 201).
  check(method, template, status, contentType, body, documented = status) {
    const op = (this.doc.paths[template] || {})[method.toLowerCase()];
    if (!op) return [`${method} ${template} is not in the document`];
    const key = String(documented);
    const responses = op.responses || {};
    const found = key in responses ? key : `${key[0]}XX` in responses ? `${key[0]}XX` : 'default';
    if (!(found in responses)) {
      return [`status ${status} is not documented for ${method} ${template}`];
    }
    const base = `#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${found}`;
    const [response, pointer] = this.follow(responses[found], base);
    const content = response.content || {};
    const media = Object.keys(content).find((m) => m.includes('json'));
    const other = Object.keys(content).find((m) => !m.includes('json'));
    if (!media && other) {  // a documented non-JSON body (text/calendar): its media type only
      return (contentType || '').startsWith(other) && body.length > 0 ? []
        : [`content-type ${contentType} is not the documented ${other}`];
    }
    if (!media) return body.length === 0 ? [] : [`no JSON body is documented for ${status}`];
    if (!/json/.test(contentType || '')) return [`content-type ${contentType} is not JSON`];
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      return [`body is not JSON: ${e.message}`];
    }
    const ref = `${this.id}${pointer}/content/${escapePointer(media)}/schema`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(parsed)) return [];
    const messages = validate.errors.map(
      (e) => `${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
    return [...new Set(messages)].slice(0, 8);
  }
}

module.exports = { OpenApiValidator };
