// The schema table of the kinds Flotilla serves (field → type code, see codes.ts), as pure data plus
// lookups. The server expands it to OpenAPI v3 documents (server/api/openapi); the API server and
// the device agent use it for unknown-field detection, and the strategic merge patch for its list
// merge keys and patch strategies.

export { fieldType, type FieldTable, type FieldType, type ScalarCode } from './codes';
export { fullSchemaName, SCHEMA_GROUPS, schemaNameOf, schemaTable } from './lookup';
export { KIND_SCHEMAS, type KindSchema } from './tables/kinds';
export { unknownFields } from './unknown-fields';
