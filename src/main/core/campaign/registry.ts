import type { Db } from '../catalog/db';
import { findPlate } from '../catalog/queries';
import type { CampaignInfo } from '../../../shared/contract/campaign';
import type { Plan } from './plan';

/**
 * Records a plan in the catalog (the `campaigns` table) so the UI can find it; the plan file stays
 * the truth. A plan of a plate this catalog lacks is not recorded (it was made elsewhere).
 */
export function recordCampaign(db: Db, planFile: string, plan: Plan): void {
  const plate = findPlate(db, plan.plate.barcode);
  if (!plate) return;
  db.prepare(
    `INSERT INTO campaigns (id, plate_id, plan_path, model_name, steps, shards, sites, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET plan_path = excluded.plan_path`,
  ).run(plan.id, plate.id, planFile, `${plan.model.name} ${plan.model.version}`, plan.steps.join(','), plan.shards, plan.sites.length, plan.createdAt);
}

export function markMerged(db: Db, planId: string, runId: number): void {
  db.prepare(`UPDATE campaigns SET merged_run_id = ? WHERE id = ?`).run(runId, planId);
}

interface Row {
  id: string;
  plate: string;
  plan_path: string;
  model_name: string;
  steps: string;
  shards: number;
  sites: number;
  created_at: string;
  merged_run_id: number | null;
}

const toInfo = (r: Row): CampaignInfo => ({
  id: r.id,
  plate: r.plate,
  planFile: r.plan_path,
  model: r.model_name,
  steps: r.steps.split(','),
  shards: r.shards,
  sites: r.sites,
  createdAt: r.created_at,
  mergedRunId: r.merged_run_id,
});

const SELECT = `SELECT c.*, p.barcode AS plate FROM campaigns c JOIN plates p ON p.id = c.plate_id`;

export function listCampaigns(db: Db, plateId?: number): CampaignInfo[] {
  const rows = (plateId === undefined ? db.prepare(`${SELECT} ORDER BY c.created_at DESC`).all() : db.prepare(`${SELECT} WHERE c.plate_id = ? ORDER BY c.created_at DESC`).all(plateId)) as Row[];
  return rows.map(toInfo);
}

export function getCampaign(db: Db, id: string): CampaignInfo | null {
  const r = db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as Row | undefined;
  return r ? toInfo(r) : null;
}
