import type { Db } from '../catalog/db';
import type { RunMetrics, WellValues } from '../../../shared/contract/metrics';

/** One stored number: a site's, a well's or the run's value of a metric (per channel or ''). */
export interface MetricRow {
  scope: 'site' | 'well' | 'run';
  siteId?: number | null;
  wellId?: number | null;
  key: string;
  channel?: string;
  value: number | null;
}

const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

/** Replace a run's metrics (rows + dashboard summary) in one transaction: readers never see half. */
export function saveRunMetrics(db: Db, runId: number, params: unknown, rows: MetricRow[], summary: RunMetrics): void {
  const del = db.prepare('DELETE FROM metrics WHERE run_id = ?');
  const delRun = db.prepare('DELETE FROM metrics_runs WHERE run_id = ?');
  const ins = db.prepare('INSERT INTO metrics (run_id, scope, site_id, well_id, key, channel, value) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insRun = db.prepare('INSERT INTO metrics_runs (run_id, params, summary, computed_at) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    del.run(runId);
    delRun.run(runId);
    for (const r of rows) ins.run(runId, r.scope, r.siteId ?? null, r.wellId ?? null, r.key, r.channel ?? '', finite(r.value));
    insRun.run(runId, JSON.stringify(params), JSON.stringify(summary), summary.computedAt);
  })();
}

export function loadRunMetrics(db: Db, runId: number): RunMetrics | null {
  const row = db.prepare('SELECT summary FROM metrics_runs WHERE run_id = ?').get(runId) as { summary: string } | undefined;
  return row ? (JSON.parse(row.summary) as RunMetrics) : null;
}

/** Every well of the run's plate with the stored value (null where the well has none). */
export function wellValues(db: Db, runId: number, key: string, channel: string): WellValues {
  const run = db.prepare('SELECT plate_id FROM runs WHERE id = ?').get(runId) as { plate_id: number } | undefined;
  if (!run) throw new Error(`no run ${runId}`);
  const rows = db
    .prepare(
      `SELECT w.id AS wellId, w.name AS well, w.row, w.col, m.value
         FROM wells w
         LEFT JOIN metrics m ON m.well_id = w.id AND m.run_id = ? AND m.scope = 'well' AND m.key = ? AND m.channel = ?
        WHERE w.plate_id = ?
        ORDER BY w.row, w.col`,
    )
    .all(runId, key, channel, run.plate_id) as Array<{ wellId: number; well: string; row: number; col: number; value: number | null }>;
  return { runId, key, channel, values: rows };
}
