import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseManifest, type ModelManifest } from '../../../shared/manifest';
import { NCHW } from './layout';
import { parseOnnx } from './onnxGraph';
import { spatialMultiple } from './multiple';
import { getSession, type ProviderRequest, type SessionHandle } from './sessions';

/** What the graph itself says about one input or output. */
export interface GraphValue {
  name: string;
  type: string | null;
  /** [] when unknown; symbolic dims are strings */
  shape: ReadonlyArray<number | string>;
}

export interface GraphFacts {
  /** true when tiles can be batched (batch axis symbolic) */
  dynamicBatch: boolean;
  /** element type of the diffusion timestep input */
  timestepType: 'int64' | 'int32' | 'float32';
  /** true when H and W are symbolic (any tile size runs) */
  dynamicSpatial: boolean;
  /** tile sides must be a multiple of this (the graph's total downsampling; multiple.ts) */
  multiple: number;
}

export class ModelMismatchError extends Error {}

/** Channels each graph tensor must carry for a manifest (see ModelManifest.onnx). */
export function expectedChannels(m: ModelManifest): { inputs: number[]; output: number } {
  if (m.kind === 'residual-diffusion') return { inputs: [m.outputs.length, m.outputs.length + m.inputs.length - 1, -1], output: m.outputs.length };
  return { inputs: [m.inputs.length], output: m.outputs.length };
}

/**
 * Check a manifest against the graph's own input/output names, ranks and channel counts. Every
 * mismatch is named; the model is refused on the first list of problems.
 */
export function checkGraph(m: ModelManifest, inputs: GraphValue[], outputs: GraphValue[], where: string, multiple = 1): GraphFacts {
  const problems: string[] = [];
  const inNames = inputs.map((v) => v.name);
  const outNames = outputs.map((v) => v.name);
  for (const n of m.onnx.inputs) if (!inNames.includes(n)) problems.push(`manifest input "${n}" is not a graph input (graph inputs: ${inNames.join(', ')})`);
  for (const n of inNames) if (!m.onnx.inputs.includes(n)) problems.push(`graph input "${n}" is not named in the manifest's onnx.inputs`);
  for (const n of m.onnx.outputs) if (!outNames.includes(n)) problems.push(`manifest output "${n}" is not a graph output (graph outputs: ${outNames.join(', ')})`);
  const exp = expectedChannels(m);
  let dynamicBatch = true;
  let dynamicSpatial = true;
  let timestepType: GraphFacts['timestepType'] = 'int64';
  const checkImage = (v: GraphValue | undefined, channels: number, role: string, axes: readonly string[]) => {
    if (!v || v.shape.length === 0) return;
    const s = v.shape;
    if (s.length !== axes.length) {
      problems.push(`${role} "${v.name}" has rank ${s.length} (shape [${s.join(',')}]); the manifest's layout is [${axes.join(',')}]`);
      return;
    }
    const dim = (a: string) => (axes.indexOf(a) >= 0 ? s[axes.indexOf(a)] : undefined);
    const c = dim('channel');
    if (typeof c === 'number' && c !== channels) problems.push(`${role} "${v.name}" has ${c} channels in the graph but the manifest implies ${channels} (shape [${s.join(',')}])`);
    if (axes.indexOf('channel') < 0 && channels !== 1) problems.push(`${role} "${v.name}" has no channel axis but the manifest implies ${channels} channels`);
    if (typeof dim('batch') === 'number') dynamicBatch = false;
    for (const d of [dim('y'), dim('x')]) {
      if (typeof d !== 'number') continue;
      dynamicSpatial = false;
      if (d !== m.tile.size) problems.push(`${role} "${v.name}" is fixed at ${d} px but the manifest's tile size is ${m.tile.size}`);
    }
    if (v.type && v.type !== 'float32') problems.push(`${role} "${v.name}" is ${v.type}; Stainless feeds float32`);
  };
  const byName = (list: GraphValue[], n: string) => list.find((v) => v.name === n);
  m.onnx.inputs.forEach((n, k) => {
    const v = byName(inputs, n);
    if (m.kind === 'residual-diffusion' && k === 2) {
      if (v && v.shape.length > 1) problems.push(`timestep input "${n}" has rank ${v.shape.length}; expected a scalar or [N]`);
      if (v?.type === 'int32' || v?.type === 'float32' || v?.type === 'int64') timestepType = v.type;
      else if (v?.type) problems.push(`timestep input "${n}" is ${v.type}; expected int64, int32 or float32`);
      return;
    }
    checkImage(v, exp.inputs[k], m.kind === 'residual-diffusion' ? (k === 0 ? 'x_t input' : 'y0 input') : 'input', m.bioimageio?.inputAxes ?? NCHW);
  });
  checkImage(byName(outputs, m.onnx.outputs[0]), exp.output, 'output', m.bioimageio?.outputAxes ?? NCHW);
  if (dynamicSpatial && m.tile.size % multiple !== 0) problems.push(`tile size ${m.tile.size} is not a multiple of ${multiple}, the graph's total downsampling`);
  if (problems.length) throw new ModelMismatchError(`${where}: model does not match its manifest — ${problems.join('; ')}`);
  return { dynamicBatch, timestepType, dynamicSpatial, multiple };
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Read and validate `model.json` (a folder or the file itself). */
export function readManifest(path: string): { manifest: ModelManifest; dir: string; manifestFile: string; onnxFile: string } {
  const manifestFile = path.endsWith('.json') ? path : join(path, 'model.json');
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile}: no model manifest (model.json) here`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw new Error(`${manifestFile}: not valid JSON (${(e as Error).message})`);
  }
  const manifest = parseManifest(json, manifestFile);
  const dir = dirname(manifestFile);
  const onnxFile = join(dir, manifest.file);
  if (!existsSync(onnxFile)) throw new Error(`${manifestFile}: the model file ${manifest.file} is missing beside it`);
  return { manifest, dir, manifestFile, onnxFile };
}

/** The graph's spatial multiple, read once per file (by hash) (1 when the file cannot be parsed: the graph then runs as declared). */
const multiples = new Map<string, number>();
function graphMultiple(onnxFile: string, sha: string): number {
  let v = multiples.get(sha);
  if (v === undefined) {
    try {
      v = spatialMultiple(parseOnnx(readFileSync(onnxFile)));
    } catch {
      v = 1;
    }
    multiples.set(sha, v);
  }
  return v;
}

export interface LoadedModel {
  manifest: ModelManifest;
  dir: string;
  onnxFile: string;
  handle: SessionHandle;
  facts: GraphFacts;
}

function graphValues(meta: ReadonlyArray<unknown> | undefined, names: readonly string[]): GraphValue[] {
  return names.map((name, i) => {
    const v = meta?.[i] as { name?: string; isTensor?: boolean; type?: string; shape?: ReadonlyArray<number | string> } | undefined;
    return { name, type: v?.isTensor ? (v.type ?? null) : null, shape: v?.isTensor ? (v.shape ?? []) : [] };
  });
}

/** Verify the file hash, open (or reuse) the session, check the graph against the manifest. */
export async function loadModel(manifest: ModelManifest, dir: string, provider: ProviderRequest = 'auto'): Promise<LoadedModel> {
  const onnxFile = join(dir, manifest.file);
  if (!existsSync(onnxFile)) throw new Error(`${onnxFile}: model file missing`);
  const sha = await sha256File(onnxFile);
  if (sha !== manifest.sha256) throw new ModelMismatchError(`${onnxFile}: sha256 ${sha} does not match the manifest's ${manifest.sha256} (file changed or corrupt)`);
  const handle = await getSession(onnxFile, provider);
  const s = handle.session;
  const multiple = manifest.tile.multiple ?? graphMultiple(onnxFile, sha);
  const facts = checkGraph(manifest, graphValues(s.inputMetadata, s.inputNames), graphValues(s.outputMetadata, s.outputNames), join(dir, 'model.json'), multiple);
  return { manifest, dir, onnxFile, handle, facts };
}
