import type { DataTest } from './data-tests.js';

/** An ODCS quality rule (library metric, SQL, custom engine or text). */
export interface OdcsQuality {
  id?: string;
  name?: string;
  description?: string;
  type?: 'text' | 'library' | 'sql' | 'custom';
  metric?: 'nullValues' | 'missingValues' | 'invalidValues' | 'duplicateValues' | 'rowCount';
  rule?: string;
  arguments?: { validValues?: unknown[]; pattern?: string; missingValues?: unknown[]; properties?: string[] };
  mustBe?: number | string | boolean;
  mustNotBe?: number | string | boolean;
  mustBeGreaterThan?: number;
  mustBeGreaterOrEqualTo?: number;
  mustBeLessThan?: number;
  mustBeLessOrEqualTo?: number;
  mustBeBetween?: [number, number];
  mustNotBeBetween?: [number, number];
  unit?: 'rows' | 'percent';
  query?: string;
  engine?: string;
  implementation?: string | Record<string, unknown>;
  severity?: string;
}

/** Bounds and patterns of an ODCS property's logical type. */
export interface OdcsTypeOptions {
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: boolean | number | string;
  exclusiveMaximum?: boolean | number | string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** An ODCS property: a column. */
export interface OdcsProperty {
  name: string;
  physicalType?: string;
  logicalType?: string;
  logicalTypeOptions?: OdcsTypeOptions;
  primaryKey?: boolean;
  primaryKeyPosition?: number;
  required?: boolean;
  unique?: boolean;
  enum?: unknown[];
  description?: string;
  quality?: OdcsQuality[];
}

/** An ODCS schema object: a table. */
export interface OdcsObject {
  name: string;
  physicalName?: string;
  physicalType?: string;
  description?: string;
  properties?: OdcsProperty[];
  quality?: OdcsQuality[];
}

/** An Open Data Contract Standard v3 contract (the parts datakernel reads). */
export interface OdcsContract {
  apiVersion: string;
  kind: 'DataContract';
  id: string;
  version: string;
  status: string;
  name?: string;
  schema?: OdcsObject[];
  [key: string]: unknown;
}

/** A parsed, validated contract file: the contract, and where things are in the file. */
export interface ContractFile {
  /** The file as the user named it. */
  file: string;
  contract: OdcsContract;
  /** The 1-based line of the value at `path` (e.g. `['schema', 0, 'properties', 2]`). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** The data test each dbt / Great Expectations `custom` rule stands for, by its path joined with '.'. */
  dataTests: Map<string, DataTest>;
}
