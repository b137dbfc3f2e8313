import { parse, type ecmaVersion, type Node, type Program } from 'acorn';
import { full } from 'acorn-walk';
import MagicString from 'magic-string';

/** Names the rewritten cell calls; the engine defines them as hidden globals. */
export const RUNTIME = {
  import: '__dk_import',
  tick: '__dk_tick',
  /** Holds the last expression of a TypeScript cell through esbuild (src/engine/transpile.ts); never defined. */
  value: '__dk_value',
} as const;

export interface RewrittenCell {
  code: string;
  /** The source map back to the transpiled code, made when first asked for (an error): most cells never need it. */
  map: () => string;
  /** Top-level names the cell declares (they become globals that later cells see). */
  declared: string[];
}

type AnyNode = Node & Record<string, any>;

function patternNames(pattern: AnyNode | null, out: string[]): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const prop of pattern.properties) patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) patternNames(element, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, out);
      break;
  }
}

function importBindings(node: AnyNode, temp: string): { names: string[]; assign: string } {
  const names: string[] = [];
  const parts: string[] = [];
  let namespace: string | undefined;
  for (const spec of node.specifiers) {
    names.push(spec.local.name);
    if (spec.type === 'ImportNamespaceSpecifier') namespace = spec.local.name;
    else if (spec.type === 'ImportDefaultSpecifier') parts.push(`default: ${spec.local.name}`);
    else {
      const imported = spec.imported.type === 'Literal' ? JSON.stringify(spec.imported.value) : spec.imported.name;
      parts.push(`${imported}: ${spec.local.name}`);
    }
  }
  const load = `await ${RUNTIME.import}(${JSON.stringify(node.source.value)})`;
  if (!names.length) return { names, assign: `;${load};` };
  const statements = [`var ${temp} = ${load};`];
  if (namespace) statements.push(`${namespace} = ${temp};`);
  if (parts.length) statements.push(`({ ${parts.join(', ')} } = ${temp});`);
  return { names, assign: `;${statements.join(' ')}` };
}

/** Parses cell JavaScript as the rewrite reads it: a script with top-level await and imports anywhere. */
export function parseCell(js: string, ecmaVersion: ecmaVersion = 'latest'): Program {
  return parse(js, { ecmaVersion, sourceType: 'script', allowAwaitOutsideFunction: true, allowImportExportEverywhere: true, allowReturnOutsideFunction: false });
}

/**
 * Turns a transpiled cell into a script that keeps its declarations across cells and supports top-level await:
 * top-level `const/let/class` become assignments to hoisted globals (so re-running `const x = 1` works),
 * function declarations are published as globals, imports become awaited dynamic
 * imports resolved from the notebook's folder, the last expression is returned as the cell's value, and every
 * loop checks for an interrupt. Edits keep a source map back to the transpiled code.
 */
export function rewriteCell(js: string, parsed: Program = parseCell(js)): RewrittenCell {
  const program = parsed as AnyNode;
  const s = new MagicString(js);
  const declared: string[] = [];
  let temps = 0;

  full(program, (node: AnyNode) => {
    if (node.type === 'ImportExpression') s.overwrite(node.start, node.start + 'import'.length, RUNTIME.import);
    if (/^(While|DoWhile|For|ForIn|ForOf)Statement$/.test(node.type)) {
      const body = node.body as AnyNode;
      if (body.type === 'BlockStatement') s.appendLeft(body.start + 1, `${RUNTIME.tick}();`);
      else {
        s.appendLeft(body.start, `{${RUNTIME.tick}();`);
        s.prependRight(body.end, '}');
      }
    }
  });

  const body: AnyNode[] = program.body;
  const functionNames: string[] = [];
  body.forEach((original, index) => {
    let node = original;
    if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') {
      if (!node.declaration) {
        s.remove(node.start, node.end);
        return;
      }
      s.remove(node.start, node.declaration.start);
      node = node.declaration;
      if (original.type === 'ExportDefaultDeclaration' && !/Declaration$/.test(node.type)) {
        s.appendLeft(node.start, ';');
        return;
      }
    }
    switch (node.type) {
      case 'ImportDeclaration': {
        const { names, assign } = importBindings(node, `__dk_module${temps++}`);
        declared.push(...names);
        s.overwrite(node.start, node.end, assign);
        return;
      }
      case 'VariableDeclaration': {
        let assigned = 0;
        for (const declarator of node.declarations) {
          patternNames(declarator.id, declared);
          // `var x;` keeps x's value, as JavaScript does; `let x;` resets it.
          if (!declarator.init && node.kind === 'var') continue;
          if (!declarator.init) s.appendLeft(declarator.id.end, ' = undefined');
          s.prependRight(declarator.start, '(');
          s.appendLeft(declarator.end, ')');
          assigned++;
        }
        if (assigned) s.overwrite(node.start, node.declarations[0].start, ';');
        else s.overwrite(node.start, node.end, ';');
        return;
      }
      case 'ClassDeclaration':
        declared.push(node.id.name);
        s.appendLeft(node.start, `;${node.id.name} = `);
        s.appendLeft(node.end, ';');
        return;
      case 'FunctionDeclaration':
        if (node.id) {
          declared.push(node.id.name);
          functionNames.push(node.id.name);
        } else {
          s.appendLeft(node.start, ';(');
          s.appendLeft(node.end, ')');
        }
        return;
      case 'ExpressionStatement':
        if (index === body.length - 1) {
          const expression = node.expression as AnyNode;
          const marked = expression.type === 'AssignmentExpression' && expression.left.type === 'Identifier' && expression.left.name === RUNTIME.value;
          if (!marked) {
            s.appendLeft(node.start, 'return (');
            s.prependRight(expression.end, ')');
            return;
          }
          // The marker's own parentheses lie outside its right operand, when esbuild keeps them.
          const { right } = expression;
          s.overwrite(node.start, right.start, 'return (');
          if (right.end < expression.end) s.overwrite(right.end, expression.end, ')');
          else s.prependRight(right.end, ')');
        }
        return;
    }
  });

  const unique = [...new Set(declared)];
  // Function declarations stay hoisted inside the wrapper; publishing them at its start makes them globals.
  const publish = functionNames.map((name) => `globalThis.${name} = ${name};`).join(' ');
  s.prepend(`${unique.length ? `var ${unique.join(', ')}; ` : ''}(async () => {${publish}`);
  s.append('\n})()');
  return { code: s.toString(), map: () => s.generateMap({ hires: 'boundary', includeContent: false }).toString(), declared: unique };
}
