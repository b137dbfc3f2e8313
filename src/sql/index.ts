export { embeddedDuckDB, type EmbeddedDuckDB } from './duckdb.js';
export { runSql, type RunSqlOptions, type SqlParams } from './query.js';
export { explainSql, SqlExplanation } from './explain.js';
export { QueryResult, type ResultColumn } from './result.js';
export { resolveRelation } from './relation.js';
export { registerValue, isTableLike, type VariableScope } from './register-value.js';
export { displayLimit, setDisplayLimit } from './display-limit.js';
export { quoteIdent, quoteQualified } from './identifiers.js';
