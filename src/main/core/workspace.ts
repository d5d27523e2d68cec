import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { wellName } from '../../shared/channels';

/** The per-user app-data folder Electron would use for "Stainless" (same rule without importing electron). */
export function defaultAppDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Stainless');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Stainless');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Stainless');
  }
}

/** --workspace DIR, else STAINLESS_WORKSPACE, else <app-data>/workspace. */
export function resolveWorkspace(flag?: string | null): string {
  if (flag) return resolve(flag);
  if (process.env.STAINLESS_WORKSPACE) return resolve(process.env.STAINLESS_WORKSPACE);
  return join(defaultAppDataDir(), 'workspace');
}

export const workspacePaths = (ws: string) => ({
  catalog: join(ws, 'catalog.sqlite'),
  synthetic: join(ws, 'synthetic'),
  labels: join(ws, 'labels'),
  thumbnails: join(ws, 'thumbnails'),
  features: join(ws, 'features'),
  demo: join(ws, 'demo'),
  models: join(ws, 'models'),
  training: join(ws, 'training'),
  illumination: join(ws, 'illumination'),
});

// Every file Stainless writes in a workspace is named here (callers pass the folder from
// workspacePaths, so worker threads that only know one folder use the same names).
const siteStem = (well: string, field: number) => `${well}_f${String(field).padStart(2, '0')}`;

/** A plate's illumination function of one channel (JUMP's name, <plate>_Illum<channel>.npy), per source. */
export const illumFilePath = (illumDir: string, barcode: string, sourceKey: string, channel: string) => join(illumDir, barcode, sourceKey, `${barcode}_Illum${channel}.npy`);

/** The folder of one inference run's synthetic images. */
export const runDir = (syntheticDir: string, runId: number) => join(syntheticDir, `run-${runId}`);

/** One synthetic channel of one site of a run. */
export function syntheticPath(syntheticDir: string, runId: number, s: { row: number; col: number; field: number }, channel: string): string {
  const w = wellName(s.row, s.col);
  return join(runDir(syntheticDir, runId), w, `${siteStem(w, s.field)}_${channel}.tiff`);
}

/** The folder of a segmentation's label images (`setKey` names source, run and method). */
export const labelDir = (labelsDir: string, barcode: string, setKey: string) => join(labelsDir, barcode, setKey);

/** The label images of one site of a segmentation. */
export function labelPaths(labelsDir: string, barcode: string, setKey: string, s: { well: string; field: number }): { nucleiPath: string; cellsPath: string } {
  const stem = join(labelDir(labelsDir, barcode, setKey), siteStem(s.well, s.field));
  return { nucleiPath: `${stem}_nuclei.tiff`, cellsPath: `${stem}_cells.tiff` };
}

/** Per-site checkpoints of a feature set while it is being measured (removed when it is done). */
export const siteCheckpointDir = (featuresDir: string, barcode: string, setKey: string) => join(featuresDir, barcode, `${setKey}.sites`);

/** The per-cell Parquet file of a feature set. */
export const cellsFilePath = (featuresDir: string, barcode: string, setKey: string) => join(featuresDir, barcode, `${setKey}.cells.parquet`);

/** The working folder of one train job: exported pairs, checkpoint, the model before it is registered. */
export function trainJobDir(trainingDir: string, jobId: number): { root: string; pairs: string; work: string; model: string } {
  const root = join(trainingDir, `job-${jobId}`);
  return { root, pairs: join(root, 'pairs'), work: join(root, 'checkpoint'), model: join(root, 'model') };
}
