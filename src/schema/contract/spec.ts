/** The shape a contract value must have, for validation with line numbers. */
export type Spec =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'any' | 'scalar' | 'numberPair'; enum?: readonly string[] }
  | { type: 'array'; items: Spec }
  | { type: 'object'; fields?: Record<string, Spec>; required?: readonly string[]; open?: boolean }
  | { type: 'oneOf'; options: readonly Spec[]; label: string };

const str: Spec = { type: 'string' };
const num: Spec = { type: 'number' };
const int: Spec = { type: 'integer' };
const bool: Spec = { type: 'boolean' };
const any: Spec = { type: 'any' };
const pair: Spec = { type: 'numberPair' };
const strings: Spec = { type: 'array', items: str };
const openObject: Spec = { type: 'object', open: true };
const openList: Spec = { type: 'array', items: any };
const customProperties: Spec = { type: 'array', items: { type: 'object', fields: { property: str, value: any, id: str, description: str } } };
const authoritativeDefinitions: Spec = { type: 'array', items: { type: 'object', fields: { url: str, type: str, id: str, description: str } } };

/** The ODCS library metrics datakernel computes. */
export const LIBRARY_METRICS = ['nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount'] as const;

/** The ODCS threshold operators. */
export const OPERATORS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'] as const;

const quality: Spec = {
  type: 'object',
  fields: {
    id: str,
    name: str,
    description: str,
    type: { type: 'string', enum: ['text', 'library', 'sql', 'custom'] },
    metric: { type: 'string', enum: LIBRARY_METRICS },
    rule: str,
    arguments: {
      type: 'object',
      fields: { validValues: openList, pattern: str, missingValues: openList, properties: strings },
    },
    mustBe: { type: 'scalar' },
    mustNotBe: { type: 'scalar' },
    mustBeGreaterThan: num,
    mustBeGreaterOrEqualTo: num,
    mustBeLessThan: num,
    mustBeLessOrEqualTo: num,
    mustBeBetween: pair,
    mustNotBeBetween: pair,
    unit: { type: 'string', enum: ['rows', 'percent'] },
    query: str,
    engine: str,
    implementation: { type: 'oneOf', options: [str, openObject], label: 'a string or a mapping' },
    dimension: { type: 'string', enum: ['accuracy', 'ac', 'completeness', 'cp', 'conformity', 'cf', 'consistency', 'cs', 'coverage', 'cv', 'timeliness', 'tm', 'uniqueness', 'uq'] },
    method: str,
    severity: str,
    businessImpact: str,
    scheduler: str,
    schedule: str,
    tags: strings,
    customProperties,
    authoritativeDefinitions,
  },
};

const logicalTypeOptions: Spec = {
  type: 'object',
  fields: {
    minimum: { type: 'scalar' },
    maximum: { type: 'scalar' },
    exclusiveMinimum: { type: 'scalar' },
    exclusiveMaximum: { type: 'scalar' },
    minLength: int,
    maxLength: int,
    pattern: str,
    format: str,
    multipleOf: num,
    minItems: int,
    maxItems: int,
    uniqueItems: bool,
    minProperties: int,
    maxProperties: int,
    required: strings,
    timezone: bool,
    defaultTimezone: str,
  },
};

const LOGICAL_TYPES = ['string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean', 'map'] as const;

const elementFields: Record<string, Spec> = {
  id: str,
  name: str,
  physicalName: str,
  physicalType: str,
  description: str,
  businessName: str,
  tags: strings,
  customProperties,
  authoritativeDefinitions,
  quality: { type: 'array', items: quality },
  deprecated: bool,
  synonyms: strings,
  relationships: openList,
};

const property: Spec = {
  type: 'object',
  required: ['name'],
  fields: {
    ...elementFields,
    logicalType: { type: 'string', enum: LOGICAL_TYPES },
    logicalTypeOptions,
    primaryKey: bool,
    primaryKeyPosition: int,
    required: bool,
    unique: bool,
    partitioned: bool,
    partitionKeyPosition: int,
    classification: str,
    encryptedName: str,
    transformSourceObjects: strings,
    transformLogic: str,
    transformDescription: str,
    examples: openList,
    criticalDataElement: bool,
    enum: openList,
    semanticType: str,
    items: openObject,
    properties: openList,
  },
};

const schemaObject: Spec = {
  type: 'object',
  required: ['name'],
  fields: {
    ...elementFields,
    logicalType: { type: 'string', enum: ['object', 'array'] },
    dataGranularityDescription: str,
    properties: { type: 'array', items: property },
  },
};

/** Open Data Contract Standard v3 (3.0.x and 3.1.0): the keys it defines and their types. */
export const CONTRACT_SPEC: Spec = {
  type: 'object',
  required: ['apiVersion', 'kind', 'id', 'version', 'status'],
  fields: {
    apiVersion: { type: 'string', enum: ['v3.0.0', 'v3.0.1', 'v3.0.2', 'v3.1.0'] },
    kind: { type: 'string', enum: ['DataContract'] },
    id: str,
    name: str,
    version: str,
    status: str,
    tenant: str,
    domain: str,
    dataProduct: str,
    tags: strings,
    description: {
      type: 'object',
      fields: { purpose: str, limitations: str, usage: str, authoritativeDefinitions, customProperties },
    },
    schema: { type: 'array', items: schemaObject },
    servers: openList,
    support: openList,
    price: openObject,
    team: { type: 'oneOf', options: [openList, openObject], label: 'a list or a mapping' },
    roles: openList,
    slaDefaultElement: str,
    slaProperties: openList,
    authoritativeDefinitions,
    customProperties,
    contractCreatedTs: str,
  },
};
