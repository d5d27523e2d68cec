import type { LoadedModel } from './model';
import { loadOrt } from './sessions';
import { NCHW, fromNCHW, shapeIn, toNCHW } from './layout';
import { planTiles, extractTile, TileBlender } from './tiling';
import { roundUp } from './multiple';
import { applySteps } from './processing';
import { resshiftSchedule, resshiftSample, timestepIndices } from './samplers/resshift';

/** A multichannel image in memory: planes stacked channel-major (CHW), float32. */
export interface Planes {
  data: Float32Array;
  channels: number;
  width: number;
  height: number;
}

/**
 * Run the graph over an image of any size: tiles (manifest size/overlap, reflect-padded when the
 * image is smaller), batched when the graph's batch axis is free, blended back. `inputs` are the
 * graph's image inputs in manifest order; `timestep` feeds a diffusion graph's third input.
 */
export async function runGraphTiled(lm: LoadedModel, inputs: Planes[], timestep?: number): Promise<Planes> {
  const ort = await loadOrt();
  const m = lm.manifest;
  const { width, height } = inputs[0];
  // an image smaller than a tile runs as one tile of its own size, rounded up to the graph's
  // multiple (the rest reflect-padded), when the graph accepts any size
  const size = lm.facts.dynamicSpatial && width <= m.tile.size && height <= m.tile.size && m.kind !== 'bioimageio' ? roundUp(Math.max(width, height), lm.facts.multiple) : m.tile.size;
  const overlap = Math.min(m.tile.overlap, Math.floor(size / 2));
  const tiles = planTiles(width, height, size, overlap);
  const batch = lm.facts.dynamicBatch ? m.tile.batch : 1;
  const inAxes = m.bioimageio?.inputAxes ?? NCHW;
  const outAxes = m.bioimageio?.outputAxes ?? NCHW;
  const outC = m.outputs.length;
  const s2 = size * size;
  // one tile exactly covering the image: the planes are already the batch (no copy, no blending)
  const whole = tiles.length === 1 && width === size && height === size;
  const blender = whole ? null : new TileBlender(outC, width, height, size, overlap);
  const prepare = (b0: number) => {
    const group = tiles.slice(b0, b0 + batch);
    const n = group.length;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    inputs.forEach((img, k) => {
      let buf: Float32Array;
      if (whole) buf = img.data.length === img.channels * s2 && img.data.byteOffset === 0 ? img.data : img.data.slice(0, img.channels * s2);
      else {
        buf = new Float32Array(n * img.channels * s2);
        group.forEach((t, i) => extractTile(img.data, img.channels, width, height, t, size, buf, i * img.channels * s2));
      }
      feeds[m.onnx.inputs[k]] = new ort.Tensor('float32', fromNCHW(buf, inAxes, n, img.channels, size, size), shapeIn(inAxes, n, img.channels, size, size));
    });
    if (m.kind === 'residual-diffusion') {
      const t = timestep ?? 0;
      const name = m.onnx.inputs[2];
      feeds[name] =
        lm.facts.timestepType === 'int64'
          ? new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(t)), [n])
          : lm.facts.timestepType === 'int32'
            ? new ort.Tensor('int32', Int32Array.from({ length: n }, () => t), [n])
            : new ort.Tensor('float32', Float32Array.from({ length: n }, () => t), [n]);
    }
    return { group, n, feeds };
  };
  // pipelined: the next batch is cut out and the previous one blended while onnxruntime computes
  let current = prepare(0);
  let running = lm.handle.session.run(current.feeds);
  for (let b0 = 0; b0 < tiles.length; b0 += batch) {
    const next = b0 + batch < tiles.length ? prepare(b0 + batch) : null;
    const res = await running;
    const { group, n } = current;
    if (next) {
      running = lm.handle.session.run(next.feeds);
      current = next;
    }
    const out = res[m.onnx.outputs[0]];
    const expected = n * outC * s2;
    if (!out || out.type !== 'float32' || out.data.length !== expected) {
      if (next) await running.catch(() => undefined);
      throw new Error(`${lm.onnxFile}: output "${m.onnx.outputs[0]}" gave ${out ? `${out.type} [${out.dims.join(',')}]` : 'nothing'}, expected float32 with ${outC} channels of ${size}×${size}`);
    }
    const nchw = toNCHW(out.data as Float32Array, outAxes, n, outC, size, size);
    if (whole) return { data: nchw === out.data ? Float32Array.from(nchw) : nchw, channels: outC, width, height };
    group.forEach((t, i) => blender!.add(t, nchw, i * outC * s2));
    for (const v of Object.values(res)) v.dispose?.();
  }
  return { data: blender!.result(), channels: outC, width, height };
}

export interface PredictOptions {
  /** diffusion: sampling steps (default: the manifest's T) */
  steps?: number;
  /** diffusion: N(0,1) noise source (seeded by the caller) */
  noise?: (n: number, out?: Float32Array) => Float32Array;
}

/**
 * One image through a model, inputs already normalised (or raw, for bioimage.io models whose
 * own preprocessing runs here). Returns the output channels in the model's output range.
 */
export async function predictPlanes(lm: LoadedModel, input: Planes, opts: PredictOptions = {}): Promise<Planes> {
  const m = lm.manifest;
  if (input.channels !== m.inputs.length) throw new Error(`${m.name}: expects ${m.inputs.length} input channel(s) (${m.inputs.join(', ')}), got ${input.channels}`);
  if (m.kind === 'bioimageio') {
    const spec = m.bioimageio!;
    const pre = { ...input, data: applySteps(spec.preprocessing, input.data, input.channels, `${m.name} preprocessing`) };
    const out = await runGraphTiled(lm, [pre]);
    return { ...out, data: applySteps(spec.postprocessing, out.data, out.channels, `${m.name} postprocessing`) };
  }
  if (m.kind === 'direct') return runGraphTiled(lm, [input]);
  // residual diffusion: y0 repeats the first input plane over the output channels; the graph's
  // conditioning input also gets the other planes appended.
  const sp = m.sampler!;
  const hw = input.width * input.height;
  const nOut = m.outputs.length;
  const cond = new Float32Array((nOut + input.channels - 1) * hw);
  for (let c = 0; c < nOut; c++) cond.set(input.data.subarray(0, hw), c * hw);
  cond.set(input.data.subarray(hw), nOut * hw);
  const condPlanes: Planes = { data: cond, channels: nOut + input.channels - 1, width: input.width, height: input.height };
  const trained = resshiftSchedule(sp);
  const schedule = opts.steps && opts.steps !== sp.T ? resshiftSchedule({ ...sp, T: opts.steps }) : trained;
  if (!opts.noise) throw new Error(`${m.name}: a residual-diffusion model needs a seeded noise source`);
  const data = await resshiftSample({
    y0: cond.subarray(0, nOut * hw),
    schedule,
    normalizeInput: sp.normalizeInput,
    noise: opts.noise,
    timesteps: timestepIndices(schedule, trained),
    denoise: async (xIn, timestep) => (await runGraphTiled(lm, [{ data: xIn, channels: nOut, width: input.width, height: input.height }, condPlanes], timestep)).data,
  });
  return { data, channels: nOut, width: input.width, height: input.height };
}
