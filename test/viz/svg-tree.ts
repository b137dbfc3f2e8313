/** A parsed SVG element: name, attributes, children. */
export interface SvgElement {
  name: string;
  attributes: Record<string, string>;
  children: SvgElement[];
}

/**
 * Parses SVG markup into elements, failing on anything not well-formed (unbalanced or stray tags, bad
 * attributes), so tests check real structure rather than grep the text.
 */
export function parseSvg(markup: string): SvgElement {
  const root: SvgElement = { name: '#root', attributes: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
  let last = 0;
  for (let m = tag.exec(markup); m; m = tag.exec(markup)) {
    const between = markup.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`malformed markup near: ${between.slice(0, 80)}`);
    last = tag.lastIndex;
    if (!m[2]) continue;
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs.matchAll(/([\w:-]+)="([^"]*)"/g)) attributes[a[1]] = a[2];
    const element = { name, attributes, children: [] };
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (/[<>]/.test(markup.slice(last))) throw new Error('malformed markup at the end');
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1 || root.children[0].name !== 'svg') throw new Error('not one <svg> root');
  return root.children[0];
}

/** Every element under `root` (itself included) whose class list has `className`. */
export function byClass(root: SvgElement, className: string): SvgElement[] {
  const found: SvgElement[] = [];
  const visit = (e: SvgElement) => {
    if ((e.attributes.class ?? '').split(/\s+/).includes(className)) found.push(e);
    e.children.forEach(visit);
  };
  visit(root);
  return found;
}
