import { stripAnsi } from './ansi.js';
import type { CellResult } from './run-notebook.js';

// XML 1.0 forbids most control characters even when escaped.
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;

function xml(text: string): string {
  return stripAnsi(text)
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A JUnit XML report with one test case per code cell, so CI systems show which cell broke. */
export function junitXml(suiteName: string, cells: CellResult[], timestamp: Date): string {
  const count = (status: CellResult['status']) => cells.filter((c) => c.status === status).length;
  const time = cells.reduce((sum, c) => sum + c.seconds, 0).toFixed(3);
  const cases = cells.map((cell) => {
    const head = `    <testcase classname="${xml(suiteName)}" name="${xml(cell.name)}" time="${cell.seconds.toFixed(3)}"`;
    if (cell.status === 'passed') return `${head}/>`;
    if (cell.status === 'skipped') return `${head}>\n      <skipped message="not run: an earlier cell failed"/>\n    </testcase>`;
    const failure = cell.failure!;
    const body = [failure.reason, ...(failure.traceback.length ? ['', ...failure.traceback] : [])].join('\n');
    return `${head}>\n      <failure type="${xml(failure.ename)}" message="${xml(failure.reason)}">${xml(body)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${cells.length}" failures="${count('failed')}" skipped="${count('skipped')}" time="${time}">`,
    `  <testsuite name="${xml(suiteName)}" tests="${cells.length}" failures="${count('failed')}" errors="0" skipped="${count('skipped')}" time="${time}" timestamp="${timestamp.toISOString().slice(0, 19)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
