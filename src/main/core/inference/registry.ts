import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { Db } from '../catalog/db';
import { parseManifest, type ModelManifest } from '../../../shared/manifest';
import { readManifest, loadModel } from './model';
import { importBioimageio } from './bioimageio';

/** A registered model as the catalog keeps it. */
export interface ModelRecord {
  id: number;
  name: string;
  version: string;
  kind: ModelManifest['kind'];
  dir: string;
  sha256: string;
  bundled: boolean;
  addedAt: string;
  manifest: ModelManifest;
}

interface Row {
  id: number;
  name: string;
  version: string;
  kind: string;
  dir: string;
  manifest: string;
  sha256: string;
  bundled: number;
  added_at: string;
}

const toRecord = (r: Row): ModelRecord => ({
  id: r.id,
  name: r.name,
  version: r.version,
  kind: r.kind as ModelManifest['kind'],
  dir: r.dir,
  sha256: r.sha256,
  bundled: r.bundled === 1,
  addedAt: r.added_at,
  manifest: parseManifest(JSON.parse(r.manifest), `catalog model ${r.name} ${r.version}`),
});

export function listModels(db: Db): ModelRecord[] {
  return (db.prepare(`SELECT * FROM models ORDER BY name, id`).all() as Row[]).map(toRecord);
}

/** `name` (newest version) or `name@version`; null when not registered. */
export function findModel(db: Db, ref: string): ModelRecord | null {
  const [name, version] = ref.split('@');
  const r = version
    ? (db.prepare(`SELECT * FROM models WHERE name=? AND version=?`).get(name, version) as Row | undefined)
    : (db.prepare(`SELECT * FROM models WHERE name=? ORDER BY id DESC LIMIT 1`).get(name) as Row | undefined);
  return r ? toRecord(r) : null;
}

export function getModel(db: Db, ref: string): ModelRecord {
  const m = findModel(db, ref);
  if (!m) {
    const names = [...new Set(listModels(db).map((x) => x.name))];
    throw new Error(`no model "${ref}" is registered (registered: ${names.length ? names.join(', ') : 'none'}; add one with \`stainless models add PATH\`)`);
  }
  return m;
}

export interface AddOptions {
  /** the workspace's models folder: user models are copied there so the catalog never points at a moved file */
  modelsDir: string;
  /** bundled models are registered where they are (resources/models) */
  bundled?: boolean;
}

/**
 * Register a model from a folder holding model.json + model.onnx, a model.json, or a bioimage.io
 * description (bioimageio.yaml / rdf.yaml). The graph is opened and checked against the manifest
 * before anything is written. Re-adding the same name+version with the same file is a no-op.
 */
export async function addModel(db: Db, path: string, opts: AddOptions): Promise<{ model: ModelRecord; added: boolean }> {
  const src = resolve(path);
  if (!existsSync(src)) throw new Error(`${src}: no such file or folder`);
  let manifest: ModelManifest;
  let srcDir: string;
  if (/\.ya?ml$/i.test(src) || (statSync(src).isDirectory() && !existsSync(join(src, 'model.json')) && findYaml(src))) {
    const yamlFile = /\.ya?ml$/i.test(src) ? src : findYaml(src)!;
    const imp = await importBioimageio(yamlFile);
    manifest = imp.manifest;
    srcDir = imp.dir;
  } else {
    const r = readManifest(src);
    manifest = r.manifest;
    srcDir = r.dir;
  }
  const existing = findModel(db, `${manifest.name}@${manifest.version}`);
  if (existing) {
    if (existing.sha256 === manifest.sha256) {
      // a bundled model keeps following the install (a new app version may live elsewhere, and may
      // ship the same graph with a richer manifest, e.g. more held-out figures)
      if (opts.bundled && existing.bundled && (existing.dir !== srcDir || JSON.stringify(existing.manifest) !== JSON.stringify(manifest))) {
        db.prepare(`UPDATE models SET dir = ?, manifest = ? WHERE id = ?`).run(srcDir, JSON.stringify(manifest), existing.id);
        return { model: { ...existing, dir: srcDir, manifest }, added: false };
      }
      return { model: existing, added: false };
    }
    throw new Error(`${src}: model ${manifest.name} ${manifest.version} is already registered with a different file (sha256 ${existing.sha256.slice(0, 12)}…); give it a new version or remove the old one`);
  }
  // validate against the graph (sha256, names, ranks, channels) before registering
  await loadModel(manifest, srcDir, 'cpu');
  let dir = srcDir;
  if (!opts.bundled) {
    dir = join(opts.modelsDir, `${manifest.name}-${manifest.version}`.replace(/[^A-Za-z0-9._-]/g, '_'));
    mkdirSync(dir, { recursive: true });
    cpSync(join(srcDir, manifest.file), join(dir, manifest.file));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
  const row = db
    .prepare(`INSERT INTO models (name, version, kind, dir, manifest, sha256, bundled) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`)
    .get(manifest.name, manifest.version, manifest.kind, dir, JSON.stringify(manifest), manifest.sha256, opts.bundled ? 1 : 0) as Row;
  return { model: toRecord(row), added: true };
}

function findYaml(dir: string): string | null {
  for (const f of ['bioimageio.yaml', 'rdf.yaml']) if (existsSync(join(dir, f))) return join(dir, f);
  return null;
}

/**
 * Unregister every version of a model (or one: name@version). Runs keep their model name; copied
 * files under the workspace's models folder are deleted, bundled ones never.
 */
export function removeModel(db: Db, ref: string, modelsDir: string): ModelRecord[] {
  const [name, version] = ref.split('@');
  const rows = (version ? db.prepare(`SELECT * FROM models WHERE name=? AND version=?`).all(name, version) : db.prepare(`SELECT * FROM models WHERE name=?`).all(name)) as Row[];
  if (!rows.length) throw new Error(`no model "${ref}" is registered`);
  const recs = rows.map(toRecord);
  dropModelRows(db, recs.map((r) => r.id));
  const root = resolve(modelsDir) + sep;
  for (const r of recs) if (!r.bundled && resolve(r.dir).startsWith(root)) rmSync(r.dir, { recursive: true, force: true });
  return recs;
}

/**
 * Bundled models: every `<dir>/<name>/model.json` under resources/models, registered in place. An
 * app update that ships a new version of a bundled model replaces the files in place, so the older
 * bundled versions of that name are retired (their runs keep the model's name and version).
 */
export async function registerBundledModelsFrom(db: Db, root: string): Promise<{ added: string[]; retired: string[]; failed: Array<{ dir: string; error: string }> }> {
  const added: string[] = [];
  const retired: string[] = [];
  const failed: Array<{ dir: string; error: string }> = [];
  if (!existsSync(root)) return { added, retired, failed };
  const shipped = new Map<string, string>();
  for (const d of readdirSync(root).sort()) {
    const dir = join(root, d);
    if (!existsSync(join(dir, 'model.json'))) continue;
    try {
      const r = await addModel(db, dir, { modelsDir: '', bundled: true });
      if (r.added) added.push(`${r.model.name} ${r.model.version}`);
      shipped.set(r.model.name, r.model.version);
    } catch (e) {
      failed.push({ dir: basename(dir), error: (e as Error).message });
    }
  }
  const stale = (db.prepare(`SELECT * FROM models WHERE bundled = 1`).all() as Row[]).filter((r) => shipped.has(r.name) && shipped.get(r.name) !== r.version);
  dropModelRows(db, stale.map((r) => r.id));
  for (const r of stale) retired.push(`${r.name} ${r.version}`);
  return { added, retired, failed };
}

/** Delete model rows in one transaction; their runs keep the model's name and version, not the link. */
function dropModelRows(db: Db, ids: number[]): void {
  const unlink = db.prepare(`UPDATE runs SET model_id = NULL WHERE model_id = ?`);
  const drop = db.prepare(`DELETE FROM models WHERE id = ?`);
  db.transaction(() => ids.forEach((id) => (unlink.run(id), drop.run(id))))();
}
