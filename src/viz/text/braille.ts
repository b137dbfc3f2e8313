// Braille cells are 2 dots wide and 4 high; bit of dot (column, row) in the U+2800 block.
const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

/** A character grid drawn with braille dots (2×4 per character) or, per cell, with a series glyph. */
export class DotCanvas {
  private readonly bits: Uint8Array;
  private readonly glyphs: Array<string | undefined>;

  constructor(
    /** Characters across. */
    readonly columns: number,
    /** Characters down. */
    readonly rows: number,
  ) {
    this.bits = new Uint8Array(columns * rows);
    this.glyphs = new Array(columns * rows);
  }

  get dotWidth(): number {
    return this.columns * 2;
  }

  get dotHeight(): number {
    return this.rows * 4;
  }

  /** Sets dot (x, y), origin top-left, in dot units; with `glyph`, marks the whole character cell with it. */
  dot(x: number, y: number, glyph?: string): void {
    const dx = Math.round(x);
    const dy = Math.round(y);
    if (dx < 0 || dy < 0 || dx >= this.dotWidth || dy >= this.dotHeight) return;
    const cell = Math.floor(dy / 4) * this.columns + Math.floor(dx / 2);
    if (glyph) this.glyphs[cell] = glyph;
    else this.bits[cell] |= DOT_BITS[dy % 4][dx % 2];
  }

  /** A straight line of dots from (x0, y0) to (x1, y1). */
  line(x0: number, y0: number, x1: number, y1: number, glyph?: string): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) / (glyph ? 2 : 1)));
    for (let i = 0; i <= steps; i++) this.dot(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, glyph);
  }

  lines(): string[] {
    const out: string[] = [];
    for (let r = 0; r < this.rows; r++) {
      let line = '';
      for (let c = 0; c < this.columns; c++) {
        const i = r * this.columns + c;
        line += this.glyphs[i] ?? (this.bits[i] ? String.fromCharCode(0x2800 + this.bits[i]) : ' ');
      }
      out.push(line);
    }
    return out;
  }
}
