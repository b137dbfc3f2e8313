import { JUPYTER_DISPLAY, type MimeBundle } from '../../display/mime.js';
import { recordsTable, tableBundle, type TableData } from '../../display/table.js';
import { DataKernelError } from '../../errors.js';
import type { CheckResult } from './run.js';

/** Which contract and object a report is for. */
export interface ReportSubject {
  /** The contract file as the user named it. */
  file: string;
  id: string;
  version: string;
  /** The schema object of the contract the target was checked against. */
  object: string;
  /** The checked target. */
  target: string;
}

const MAX_SAMPLES_SHOWN = 5;

/** The outcome of checking a target against a data contract; `.passed`, `.failures`, `.results` for cells. */
export class ContractReport {
  constructor(
    readonly subject: ReportSubject,
    readonly results: CheckResult[],
  ) {}

  /** Checks that failed or could not run. */
  get failures(): CheckResult[] {
    return this.results.filter((r) => r.status === 'fail' || r.status === 'error');
  }

  /** True when no check failed or errored (skipped checks do not count). */
  get passed(): boolean {
    return this.failures.length === 0;
  }

  /** One line: target, contract, counts by status. */
  summary(): string {
    const count = (status: CheckResult['status']) => this.results.filter((r) => r.status === status).length;
    const { target, file, id, version, object } = this.subject;
    const skipped = count('skipped');
    const errors = count('error');
    return `${target} against ${file} (${id} ${version}, object ${object}): ${count('pass')} passed, ${count('fail')} failed${errors ? `, ${errors} errors` : ''}${skipped ? `, ${skipped} skipped` : ''}`;
  }

  /** Throws a DataKernelError naming the failed checks, if any. */
  failOnFailure(): this {
    if (!this.passed) {
      const names = this.failures.map((r) => `${r.name}${r.column ? `(${r.column})` : ''}${r.line ? ` [line ${r.line}]` : ''}`);
      throw new DataKernelError(`Contract check failed: ${this.summary()}: ${names.join(', ')}`, 'Fix the data or the contract; the report lists failing rows for each check.');
    }
    return this;
  }

  /** The results as table data. */
  table(): TableData {
    return {
      caption: this.summary(),
      columns: [{ name: 'check' }, { name: 'column' }, { name: 'status' }, { name: 'observed' }, { name: 'expected' }, { name: 'failing rows' }, { name: 'line' }, { name: 'origin' }],
      rows: this.results.map((r) => [
        r.name,
        r.column ?? '',
        r.status.toUpperCase(),
        r.message ? `${r.observed ? `${r.observed}; ` : ''}${r.message}` : r.observed,
        r.expected,
        r.failingRows ?? '',
        r.line ?? '',
        r.origin,
      ]),
    };
  }

  toJSON() {
    return { ...this.subject, passed: this.passed, results: this.results.map(({ sample, ...rest }) => ({ ...rest, sampleRows: sample?.length ?? 0 })) };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const samples = this.results
      .filter((r) => r.sample?.length)
      .slice(0, MAX_SAMPLES_SHOWN)
      .map((r) => tableBundle({ ...recordsTable(r.sample!), totalRows: r.failingRows, caption: `Failing rows of ${r.name}${r.column ? ` (${r.column})` : ''}` }));
    const parts = [tableBundle(this.table()), ...samples];
    return {
      'text/plain': parts.map((p) => p['text/plain']).join('\n\n'),
      'text/html': parts.map((p) => p['text/html']).join('\n'),
    };
  }
}
