/** A Jupyter MIME bundle: MIME type to data (string, or JSON for JSON-typed MIME types). */
export type MimeBundle = Record<string, unknown>;

/** Deno's display protocol: an object with this method is shown by the bundle it returns. */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === 'function'
  );
}

/** Wraps a bundle so `display()` and execute results show it as is. */
export function bundle(data: MimeBundle): Displayable {
  return { [JUPYTER_DISPLAY]: () => data };
}
