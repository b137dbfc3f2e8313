import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

// A struct field or union member name as DESCRIBE writes it: bare when it is a plain identifier.
const fieldName = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);

/**
 * A column type as DuckDB's DESCRIBE names it ("TIMESTAMP WITH TIME ZONE", "JSON[]", "STRUCT(a INTEGER)"), from
 * a result's type: the client's own toString drops aliases such as JSON, so it would call a JSON column VARCHAR.
 */
export function typeName(type: DuckDBType): string {
  if (type.alias) return type.alias;
  switch (type.typeId) {
    case DuckDBTypeId.LIST:
      return `${typeName(type.valueType)}[]`;
    case DuckDBTypeId.ARRAY:
      return `${typeName(type.valueType)}[${type.length}]`;
    case DuckDBTypeId.MAP:
      return `MAP(${typeName(type.keyType)}, ${typeName(type.valueType)})`;
    case DuckDBTypeId.STRUCT:
      return `STRUCT(${type.entryNames.map((name, i) => `${fieldName(name)} ${typeName(type.entryTypes[i])}`).join(', ')})`;
    case DuckDBTypeId.UNION:
      return `UNION(${type.memberTags.map((tag, i) => `${fieldName(tag)} ${typeName(type.memberTypes[i])}`).join(', ')})`;
    default:
      return String(type);
  }
}
