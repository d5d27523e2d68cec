import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseManifest, type ModelManifest, type ProcessingStep } from '../../../shared/manifest';
import { sha256File } from './model';
import { loadOrt } from './sessions';
import { SUPPORTED_STEPS } from './processing';

interface Axis {
  type?: string;
  id?: string;
  size?: unknown;
  halo?: number;
  channel_names?: string[];
  scale?: number;
  unit?: string;
}
interface TensorDesc {
  id?: string;
  axes?: Axis[] | string;
  preprocessing?: Array<{ id?: string; name?: string; kwargs?: Record<string, unknown> }>;
  postprocessing?: Array<{ id?: string; name?: string; kwargs?: Record<string, unknown> }>;
  data?: { range?: [number | null, number | null] };
}

/** Stainless axis ids from a bioimage.io 0.5 axes list (space axes default to id 'x'). */
function axisIds(t: TensorDesc, where: string): { ids: string[]; axes: Axis[] } {
  if (!Array.isArray(t.axes)) throw new Error(`${where}: axes must be a list (format 0.5); got ${JSON.stringify(t.axes)}`);
  const ids = t.axes.map((a) => {
    if (a.type === 'batch') return 'batch';
    if (a.type === 'channel') return 'channel';
    if (a.type === 'space') return a.id ?? 'x';
    throw new Error(`${where}: axis type "${a.type}" is not supported (batch, channel and 2-D space only)`);
  });
  const space = ids.filter((i) => i !== 'batch' && i !== 'channel');
  if (space.length !== 2 || !space.includes('x') || !space.includes('y')) throw new Error(`${where}: Stainless runs 2-D models (space axes y and x); found ${space.join(', ') || 'none'}`);
  return { ids, axes: t.axes };
}

function channelNames(axes: Axis[], fallback: string): string[] {
  const c = axes.find((a) => a.type === 'channel');
  if (!c) return [fallback];
  if (c.channel_names?.length) return c.channel_names.map(String);
  const n = typeof c.size === 'number' ? c.size : 1;
  return Array.from({ length: n }, (_, i) => `${fallback}${i}`);
}

function steps(list: TensorDesc['preprocessing'], where: string): ProcessingStep[] {
  return (list ?? []).map((s) => {
    const id = s.id ?? s.name ?? '';
    if (!SUPPORTED_STEPS.includes(id)) throw new Error(`${where}: processing step "${id}" is not supported (supported: ${SUPPORTED_STEPS.join(', ')})`);
    return { id, kwargs: s.kwargs ?? {} };
  });
}

/** A tile size the input accepts: a fixed size, or min + n·step of a parametrised one (≥ 256). */
function tileSize(axes: Axis[], where: string): number {
  const y = axes.find((a) => a.type === 'space' && (a.id ?? 'x') === 'y');
  const s = y?.size;
  if (typeof s === 'number') return s;
  if (s && typeof s === 'object' && 'min' in s) {
    const { min, step } = s as { min: number; step?: number };
    if (!step) return min;
    let v = min;
    while (v < 256) v += step;
    return v;
  }
  throw new Error(`${where}: cannot tell the input's spatial size (size ${JSON.stringify(s)})`);
}

/**
 * Turn a bioimage.io model description (format 0.5, ONNX weights) into a Stainless manifest. The
 * ONNX stays beside the description (manifest.file names it); its graph names come from the graph.
 */
export async function importBioimageio(yamlFile: string): Promise<{ manifest: ModelManifest; dir: string }> {
  const dir = dirname(yamlFile);
  let doc: Record<string, unknown>;
  try {
    doc = parseYaml(readFileSync(yamlFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${yamlFile}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc?.type !== 'model') throw new Error(`${yamlFile}: not a bioimage.io model description (type: ${String(doc?.type)})`);
  const fv = String(doc.format_version ?? '');
  if (!fv.startsWith('0.5')) throw new Error(`${yamlFile}: format_version ${fv || '?'} is not supported (0.5.x only)`);
  const inputs = doc.inputs as TensorDesc[];
  const outputs = doc.outputs as TensorDesc[];
  if (!Array.isArray(inputs) || inputs.length !== 1 || !Array.isArray(outputs) || outputs.length !== 1) throw new Error(`${yamlFile}: Stainless runs models with exactly one input and one output tensor`);
  const weights = (doc.weights as Record<string, { source?: string; sha256?: string }> | undefined)?.onnx;
  if (!weights?.source) throw new Error(`${yamlFile}: no ONNX weights (weights.onnx.source); Stainless runs ONNX models only`);
  if (/^[a-z]+:\/\//i.test(weights.source)) throw new Error(`${yamlFile}: ONNX weights are remote (${weights.source}); download them beside the description first`);
  if (/[\\/]/.test(weights.source) || weights.source.startsWith('..')) throw new Error(`${yamlFile}: ONNX weights must be a file beside the description (got ${weights.source})`);
  const onnxFile = join(dir, weights.source);
  if (!existsSync(onnxFile)) throw new Error(`${yamlFile}: ONNX weights ${weights.source} are missing beside it`);
  const sha = await sha256File(onnxFile);
  if (weights.sha256 && weights.sha256.toLowerCase() !== sha) throw new Error(`${onnxFile}: sha256 ${sha} does not match the description's ${weights.sha256}`);
  const inAx = axisIds(inputs[0], `${yamlFile} inputs[0]`);
  const outAx = axisIds(outputs[0], `${yamlFile} outputs[0]`);
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(onnxFile, { executionProviders: ['cpu'] }).catch((e: Error) => {
    throw new Error(`${onnxFile}: onnxruntime cannot load it (${e.message.split('\n')[0]})`);
  });
  const names = { inputs: [...session.inputNames], outputs: [...session.outputNames] };
  await session.release();
  if (names.inputs.length !== 1 || names.outputs.length < 1) throw new Error(`${onnxFile}: the graph has ${names.inputs.length} inputs / ${names.outputs.length} outputs; the description declares one of each`);
  const halo = Math.max(0, ...outAx.axes.map((a) => a.halo ?? 0));
  const size = tileSize(inAx.axes, `${yamlFile} inputs[0]`);
  const ySpace = inAx.axes.find((a) => a.type === 'space' && (a.id ?? 'x') === 'y');
  const range = outputs[0].data?.range;
  const name = String(doc.name ?? 'bioimageio-model').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80) || 'bioimageio-model';
  const manifest = parseManifest(
    {
      name,
      version: String(doc.version ?? doc.format_version ?? '1'),
      kind: 'bioimageio',
      description: typeof doc.description === 'string' ? doc.description : undefined,
      file: weights.source,
      inputs: channelNames(inAx.axes, inputs[0].id ?? 'input'),
      outputs: channelNames(outAx.axes, outputs[0].id ?? 'output'),
      onnx: { inputs: names.inputs, outputs: [names.outputs[0]] },
      tile: { size, overlap: Math.min(2 * halo, Math.floor(size / 2)), batch: 1 },
      pixelSizeUm: ySpace?.unit === 'micrometer' && ySpace.scale ? ySpace.scale : null,
      normalization: { percentileLow: 0, percentileHigh: 100, range: [range?.[0] ?? 0, range?.[1] ?? 1] },
      provenance: { source: 'bioimage.io', description: yamlFile, license: doc.license ?? null, format_version: fv },
      sha256: sha,
      bioimageio: {
        inputAxes: inAx.ids,
        outputAxes: outAx.ids,
        preprocessing: steps(inputs[0].preprocessing, `${yamlFile} inputs[0].preprocessing`),
        postprocessing: steps(outputs[0].postprocessing, `${yamlFile} outputs[0].postprocessing`),
        source: yamlFile,
        halo,
      },
    },
    yamlFile,
  );
  return { manifest, dir };
}
