type Nested = Array<string | null | Nested>;

/**
 * Parses Postgres' text form of an array (`{1,NULL,"a \"b\""}`, nested `{{1,2},{3,4}}`) into nested arrays of
 * element texts, so DuckDB can cast them (as JSON) to a typed list.
 */
export function parsePgArray(text: string): Nested {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0; // skips explicit bounds like [0:2]={...}
  const parse = (): Nested => {
    const out: Nested = [];
    i++; // {
    while (i < text.length && text[i] !== '}') {
      if (text[i] === '{') out.push(parse());
      else if (text[i] === '"') {
        let value = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i++];
        }
        i++;
        out.push(value);
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
        const value = text.slice(start, i).trim();
        out.push(value === 'NULL' ? null : value);
      }
      if (text[i] === ',') i++;
    }
    i++; // }
    return out;
  };
  return parse();
}
