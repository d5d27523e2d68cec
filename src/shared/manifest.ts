import { z } from 'zod';
import { TrainingConditions } from './domain';

/**
 * The model manifest (`model.json` beside `model.onnx`), DESIGN.md §5. One schema for the
 * three kinds: `direct` (one pass), `residual-diffusion` (the graph is the denoiser
 * f(x_t, y0, t) → x̂0 and Stainless runs the ResShift sampler) and `bioimageio` (imported from a
 * bioimage.io description; its own pre/post-processing steps are applied).
 */

export const SamplerParams = z
  .object({
    /** diffusion steps the model was trained with */
    T: z.number().int().min(1).max(1000),
    kappa: z.number().positive(),
    p: z.number().positive(),
    /** m: minimum noise level */
    minNoise: z.number().positive(),
    /** √η_T */
    etasEnd: z.number().positive().max(1),
    /** ResShift feeds x_t/√(κ²η_t+1) to the network when true */
    normalizeInput: z.boolean().default(true),
  })
  .strict();
export type SamplerParams = z.infer<typeof SamplerParams>;

export const Normalization = z
  .object({
    /** percentiles (0–100) clipped per image and channel before scaling */
    percentileLow: z.number().min(0).max(100),
    percentileHigh: z.number().min(0).max(100),
    /** the clipped intensities map linearly onto this range (and model outputs back from it) */
    range: z.tuple([z.number(), z.number()]),
  })
  .strict()
  .refine((n) => n.percentileLow < n.percentileHigh, { message: 'percentileLow must be below percentileHigh' })
  .refine((n) => n.range[0] < n.range[1], { message: 'range must be increasing' });
export type Normalization = z.infer<typeof Normalization>;

/** One bioimage.io processing step, kept as declared (`id` + `kwargs`). */
export const ProcessingStep = z.object({ id: z.string(), kwargs: z.record(z.string(), z.unknown()).default({}) });
export type ProcessingStep = z.infer<typeof ProcessingStep>;

export const BioimageioSpec = z
  .object({
    /** axis ids of the input and output tensors in order, e.g. ['batch','channel','y','x'] */
    inputAxes: z.array(z.string()),
    outputAxes: z.array(z.string()),
    preprocessing: z.array(ProcessingStep),
    postprocessing: z.array(ProcessingStep),
    /** the description file it was imported from */
    source: z.string(),
    halo: z.number().int().min(0).default(0),
  })
  .strict();
export type BioimageioSpec = z.infer<typeof BioimageioSpec>;

export const ModelManifest = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'name: letters, digits, . _ - (max 80)'),
    version: z.string().min(1),
    kind: z.enum(['direct', 'residual-diffusion', 'bioimageio']),
    description: z.string().optional(),
    /** ONNX file beside the manifest */
    file: z
      .string()
      .regex(/^[^/\\]+\.onnx$/i, 'file: an .onnx file name beside the manifest (no folders)')
      .refine((f) => f !== '..' && !f.startsWith('..'), 'file: must stay beside the manifest')
      .default('model.onnx'),
    /** image channels the model reads, e.g. ["BF"] or ["BFLow","BF","BFHigh"] */
    inputs: z.array(z.string().min(1)).min(1),
    /** image channels it writes, e.g. ["DNA","ER","RNA","AGP","Mito","NucleiBoundary","CellBoundary"] */
    outputs: z.array(z.string().min(1)).min(1),
    /**
     * Graph tensor names. direct/bioimageio: one input [N, inputs, H, W], one output [N, outputs, H, W].
     * residual-diffusion: inputs [x_t, y0, t] — x_t [N, outputs, H, W]; y0 [N, outputs + inputs − 1, H, W]
     * (the first input plane replicated over the outputs, then the other planes); t [N] the step index —
     * and one output x̂0 [N, outputs, H, W].
     */
    onnx: z.object({ inputs: z.array(z.string()).min(1), outputs: z.array(z.string()).min(1) }).strict(),
    tile: z
      .object({
        size: z.number().int().min(8).max(8192),
        overlap: z.number().int().min(0),
        /** tiles per session.run when the graph's batch axis is dynamic */
        batch: z.number().int().min(1).max(64).default(4),
        /** tile sides must be a multiple of this; default: read from the graph (its total downsampling) */
        multiple: z.number().int().min(1).max(4096).optional(),
      })
      .strict()
      .refine((t) => t.overlap < t.size / 2 + 1, { message: 'tile.overlap must be at most half the tile size' }),
    /** µm per pixel the model was trained at; null = use images at their acquired sampling */
    pixelSizeUm: z.number().positive().nullable().default(null),
    normalization: Normalization,
    sampler: SamplerParams.optional(),
    provenance: z.record(z.string(), z.unknown()).default({}),
    heldOutMetrics: z.record(z.string(), z.unknown()).default({}),
    /** what the model was trained on, measured as plates are measured at infer (domain checks) */
    trainingConditions: TrainingConditions.optional(),
    /** sha256 (hex) of the ONNX file */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits'),
    bioimageio: BioimageioSpec.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'residual-diffusion') {
      if (!m.sampler) ctx.addIssue({ code: 'custom', path: ['sampler'], message: 'residual-diffusion models need sampler {T, kappa, p, minNoise, etasEnd}' });
      if (m.onnx.inputs.length !== 3) ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: 'residual-diffusion models name three graph inputs [x_t, y0, t]' });
    } else if (m.onnx.inputs.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: `${m.kind} models name exactly one graph input` });
    }
    if (m.onnx.outputs.length !== 1) ctx.addIssue({ code: 'custom', path: ['onnx', 'outputs'], message: 'models name exactly one graph output' });
    if (m.kind === 'bioimageio' && !m.bioimageio) ctx.addIssue({ code: 'custom', path: ['bioimageio'], message: 'bioimageio models need their processing description' });
  });
export type ModelManifest = z.infer<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;

/** Parse a manifest, with every problem listed and the file named. */
export function parseManifest(json: unknown, file: string): ModelManifest {
  const r = ModelManifest.safeParse(json);
  if (!r.success) throw new Error(`${file}: invalid model manifest — ${z.prettifyError(r.error).split('\n').join(' ')}`);
  return r.data;
}
