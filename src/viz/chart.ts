import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/mime.js';
import { currentOutput } from '../display/output.js';
import { titleText, withTitleObjects, type Figure } from './figure.js';
import { notebookHtml, standaloneHtml } from './html.js';
import { renderSvg } from './svg/render-svg.js';
import { renderText } from './text/render-text.js';

/** The MIME type JupyterLab's and VS Code's plotly renderers read. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

const DEFAULT_TEXT_WIDTH = 80;

/**
 * A chart: its plotly figure, computed on first use (aggregations run then, in DuckDB for relations), shown
 * as plotly JSON, HTML, static SVG and Unicode text, whichever the front end can show.
 */
export class Chart implements Displayable {
  private computed: Promise<Figure> | undefined;

  constructor(private readonly compute: () => Promise<Figure> | Figure) {}

  /** The plotly figure spec ({data, layout}), titles in plotly.js's `{text}` form. */
  figure(): Promise<Figure> {
    this.computed ??= Promise.resolve().then(this.compute).then(withTitleObjects);
    return this.computed;
  }

  /** Static SVG, drawn without a browser. */
  async toSVG(): Promise<string> {
    return renderSvg(await this.figure());
  }

  /** Unicode rendering (braille dots, block bars) `columns` characters wide. @default columns 80 */
  async toText(columns = DEFAULT_TEXT_WIDTH): Promise<string> {
    return renderText(await this.figure(), columns);
  }

  /** A self-contained HTML page (plotly.js inline, works offline). */
  async toHTML(): Promise<string> {
    const figure = await this.figure();
    return standaloneHtml(figure, titleText(figure.layout?.title)?.replace(/<[^>]*>/g, ' ') ?? 'Chart', renderSvg(figure));
  }

  /** Writes the chart as a standalone HTML file and returns its absolute path. @default path a new file in the temp folder */
  async save(path?: string): Promise<string> {
    const target = resolve(path ?? join(tmpdir(), `datakernel-chart-${Date.now().toString(36)}.html`));
    await writeFile(target, await this.toHTML());
    return target;
  }

  /** The MIME bundle: just the text rendering for terminals; plotly JSON, HTML, SVG and text for notebooks. */
  async [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    const figure = await this.figure();
    const output = currentOutput();
    if (output?.terminal) return { 'text/plain': renderText(figure, output.columns ?? DEFAULT_TEXT_WIDTH), [PLOTLY_MIME]: figure };
    const svg = renderSvg(figure);
    return { [PLOTLY_MIME]: figure, 'text/html': notebookHtml(figure, svg), 'image/svg+xml': svg, 'text/plain': renderText(figure, DEFAULT_TEXT_WIDTH) };
  }
}
