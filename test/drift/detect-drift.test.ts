import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDrift, driftCharts } from '../../src/drift/index.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';

const data = resolve('node_modules/vega-datasets/data');
let session: Session;

const byColumn = async (reference: string, current: string, options = {}) => {
  const report = await detectDrift(session, reference, current, options);
  return { report, column: (name: string) => report.columns.find((c) => c.column === name)! };
};

// Expected numbers come from scipy/numpy on the same rows, following Evidently's rules: ks_2samp(method='exact'),
// chi2_contingency(correction=False), wasserstein_distance / np.std(reference), jensenshannon on Sturges bins
// (np.histogram_bin_edges of both samples) with empty bins set to 0.0001, PSI on the same bins.
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-9);

beforeAll(async () => {
  session = new Session(mkdtempSync(join(tmpdir(), 'dk-drift-')));
  const { connection } = await embeddedDuckDB(session);
  const penguins = `read_json_auto('${join(data, 'penguins.json')}')`;
  const weather = `read_csv_auto('${join(data, 'seattle-weather.csv')}')`;
  await connection.run(`CREATE VIEW drift_biscoe AS SELECT * FROM ${penguins} WHERE Island = 'Biscoe'`);
  await connection.run(`CREATE VIEW drift_dream AS SELECT * FROM ${penguins} WHERE Island = 'Dream'`);
  await connection.run(`CREATE VIEW drift_w_ref AS SELECT * FROM ${weather} WHERE date < DATE '2015-01-01'`);
  await connection.run(`CREATE VIEW drift_w_cur AS SELECT * FROM ${weather} WHERE date >= DATE '2015-01-01'`);
});
afterAll(() => session.close());

describe('detectDrift', () => {
  it('uses KS and chi-square on small samples, with scipy p-values', async () => {
    const { report, column } = await byColumn('drift_biscoe', 'drift_dream');
    expect(column('Beak Length (mm)')).toMatchObject({ method: 'ks', referenceRows: 167, currentRows: 124, drifted: true });
    close(column('Beak Length (mm)').score, 0.0043266556270595115);
    close(column('Body Mass (g)').score, 1.0095556208784593e-26);
    expect(column('Species').method).toBe('chisquare');
    close(column('Species').score, 3.106572853831995e-42);
    expect(column('Island').drifted).toBe(true);
    expect(report.datasetDrift).toBe(true);
    expect(report.summary).toMatch(/^Dataset drift detected: \d of 7 columns drifted/);
  });

  it('uses normed Wasserstein and Jensen-Shannon on large samples, PSI everywhere', async () => {
    const { report, column } = await byColumn('drift_w_ref', 'drift_w_cur');
    expect(report.columns.map((c) => c.column)).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
    expect(column('temp_max')).toMatchObject({ method: 'wasserstein', threshold: 0.1, drifted: true });
    close(column('temp_max').score, 0.1799936393283379);
    close(column('temp_max').psi, 0.11476078700350874);
    expect(column('temp_max').counts.labels).toHaveLength(12);
    close(column('wind').score, 0.09153627419861421);
    expect(column('wind').drifted).toBe(false);
    expect(column('weather').method).toBe('jensenshannon');
    close(column('weather').score, 0.1567441718696746);
    close(column('weather').psi, 0.2686833785891559);
    expect(report.toRecords().find((r) => r.column === 'weather')).toMatchObject({ drift: 'DRIFT', psi_band: 'significant' });
  });

  it('finds no drift between a dataset and itself, and honours columns, method and threshold', async () => {
    const same = await detectDrift(session, 'drift_w_ref', 'drift_w_ref');
    expect(same.datasetDrift).toBe(false);
    expect(same.drifted).toHaveLength(0);
    const { column } = await byColumn('drift_w_ref', 'drift_w_cur', { columns: ['wind', 'weather'], method: 'psi', threshold: 0.2 });
    expect(column('wind')).toMatchObject({ method: 'psi', drifted: false });
    expect(column('weather')).toMatchObject({ method: 'psi', drifted: true });
  });

  it('reads records and files directly, and draws a chart per column', async () => {
    const reference = Array.from({ length: 200 }, (_, i) => ({ x: i % 50, group: i % 2 ? 'a' : 'b' }));
    const current = Array.from({ length: 200 }, (_, i) => ({ x: (i % 50) + 30, group: 'a' }));
    const report = await detectDrift(session, reference, current);
    expect(report.drifted.map((c) => c.column).sort()).toEqual(['group', 'x']);
    const charts = driftCharts(report);
    expect(charts).toHaveLength(2);
    const figure = await charts[0].figure();
    expect(figure.data.map((t) => t.name)).toEqual(['reference', 'current']);
    const fromFile = await detectDrift(session, join(data, 'seattle-weather.csv'), 'drift_w_cur', { columns: ['wind'] });
    expect(fromFile.columns[0].referenceRows).toBe(1461);
  });

  it('names a column missing from one side', async () => {
    await expect(detectDrift(session, 'drift_biscoe', 'drift_w_cur', { columns: ['wind'] })).rejects.toThrow(/"wind" is not in the reference data/);
  });
});
