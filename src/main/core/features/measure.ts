import { PAINT_CHANNELS } from '../../../shared/channels';
import type { Gray } from '../io/tiff';
import { cytoplasm, type Labels } from '../segment/labels';
import { measureAreaShape } from './areaShape';
import { colocChannel, imageLevels, measureCorrelations, type ImageLevels } from './colocalization';
import { objectEdges } from './edgeDistance';
import { granularityGrid, measureGranularity, upsampleMeans, type GranularityResult } from './granularity';
import { measureIntensity } from './intensity';
import { measureNeighbors } from './neighbors';
import { indexObjects, outlineAndEdge, touchingBorder, unitImage, type FeatureBlock, type ObjectIndex } from './objects';
import { measureRadial, radialGeometry } from './radial';
import { measureTexture, quantize } from './texture';
import { measureImage, type ImageMeasurements } from './image';
import { centredGeometry, measureCentredRadial } from './centredRadial';
import { tubeness } from './tubeness';

export const TEXTURE_SCALES = [3, 5, 10];

export const COMPARTMENTS = ['Cells', 'Cytoplasm', 'Nuclei'] as const;
export type Compartment = (typeof COMPARTMENTS)[number];

/** One compartment's measurements: column j of feature names[j], row k for object objectNumbers[k]. */
export interface ObjectTable {
  objectNumbers: Int32Array;
  /** 1 when the object touches the image border (CellProfiler would discard it) */
  touchesBorder: Uint8Array;
  names: string[];
  values: Float64Array[];
}

/** per-object tables, and the site's whole-image measurements (Image_…) when measured */
export type SiteMeasurements = Record<Compartment, ObjectTable> & { Image?: ImageMeasurements };

export interface MeasureOptions {
  /** channels to measure, in column order; default: the Cell Painting channels present */
  channels?: string[];
  /** whole-image measurements (Image_…); default true */
  image?: boolean;
  /** MeasureTexture scales; default JUMP_analysis_v3's 3, 5 and 10 */
  textureScales?: number[];
  greyLevels?: number;
  /** the channel JUMP's mitochondria steps (tubeness, mito_bw, its radial distributions) use; default Mito */
  mito?: string;
  /**
   * channel → CorrectIlluminationApply's float64 output (0–1): measured in place of the channel's
   * image, which stays JUMP's Orig image (MeasureImageQuality measures that, at its own scale)
   */
  corrected?: Record<string, Float64Array>;
  /** when given, CPU-seconds per measurement module are added to it (the bench's breakdown) */
  cpu?: Record<string, number>;
}

/** f(), its CPU time (this process) added to acc[key] */
function timed<T>(acc: Record<string, number> | undefined, key: string, f: () => T): T {
  if (!acc) return f();
  const a = process.cpuUsage();
  const out = f();
  const b = process.cpuUsage(a);
  acc[key] = (acc[key] ?? 0) + (b.user + b.system) / 1e6;
  return out;
}

/** The channels present in `images`, in Cell Painting order, then any others by name. */
export function channelOrder(names: string[]): string[] {
  const paint = PAINT_CHANNELS.filter((c) => names.includes(c)) as string[];
  return [...paint, ...names.filter((n) => !paint.includes(n)).sort()];
}

/**
 * All per-object measurements of one site, CellProfiler 4.2 style, for Nuclei, Cells and
 * Cytoplasm (= cell − nucleus). Per-channel work shared across compartments (scaling, grey
 * levels, granularity spectrum) is done once.
 */
export function measureSite(images: Record<string, Gray>, nuclei: Labels, cells: Labels, opts: MeasureOptions = {}): SiteMeasurements {
  return measureObjects(images, { nuclei, cells }, opts) as SiteMeasurements;
}

/** the largest site measured whole (8192×8192) */
const MAX_PIXELS = 2 ** 26;

/**
 * The measurements of whichever object sets a site has: nuclei only, cells only, or both (then
 * Cytoplasm too); any channel names.
 */
export function measureObjects(images: Record<string, Gray>, sets: { nuclei?: Labels; cells?: Labels }, opts: MeasureOptions = {}): Partial<Record<Compartment, ObjectTable>> & { Image?: ImageMeasurements } {
  const { nuclei, cells } = sets;
  const first = nuclei ?? cells;
  if (!first) throw new Error('measure: no object set (nuclei or cells labels) given');
  const channels = opts.channels ?? channelOrder(Object.keys(images));
  const { width, height } = first;
  // the WebAssembly kernels address 4 GiB each; the largest takes ~60 bytes a pixel
  if (width * height > MAX_PIXELS) throw new Error(`measure: a ${width}×${height} site is past the ${MAX_PIXELS / 2 ** 20} Mpx the measurement kernels take; measure it in tiles`);
  for (const [name, l] of [['nuclei', nuclei], ['cells', cells]] as const)
    if (l && (l.width !== width || l.height !== height)) throw new Error(`${name} labels are ${l.width}×${l.height}, the other set ${width}×${height}`);
  for (const c of channels) {
    const g = images[c];
    if (!g) throw new Error(`no image for channel ${c}`);
    if (g.width !== width || g.height !== height) throw new Error(`channel ${c} image is ${g.width}×${g.height}, labels are ${width}×${height}`);
  }
  const unit = new Map<string, Float64Array>();
  const orig = new Map<string, Float64Array>();
  const grey = new Map<string, Uint16Array>();
  const t = opts.cpu;
  for (const c of channels) {
    const o = timed(t, 'scaling', () => unitImage(images[c]));
    const u = opts.corrected?.[c] ?? o;
    if (u.length !== o.length) throw new Error(`channel ${c}: its corrected image has ${u.length} pixels, the image ${o.length}`);
    unit.set(c, u);
    orig.set(c, o);
    grey.set(c, timed(t, 'scaling', () => quantize(u, opts.greyLevels ?? 256)));
  }
  const cyto = cells && nuclei ? cytoplasm(cells, nuclei) : undefined;
  const comps = COMPARTMENTS.flatMap((comp) => {
    const labels = comp === 'Cells' ? cells : comp === 'Nuclei' ? nuclei : cyto;
    return labels ? [{ comp, labels, ix: timed(t, 'objects', () => indexObjects(labels)) }] : [];
  });
  // granularity runs per channel for the image and every compartment at once, so no
  // reconstruction is kept
  const grid = granularityGrid(width, height);
  const granSets = channels.length ? comps.map(({ ix }) => ({ ix, op: timed(t, 'granularity', () => upsampleMeans(ix, grid)) })) : [];
  const spectra = new Map<string, GranularityResult>();
  for (const c of channels) spectra.set(c, timed(t, 'granularity', () => measureGranularity(unit.get(c)!, grid, c, granSets)));
  // Colocalization's RWC ranks by the image's levels, one table per channel for every compartment
  const labelled = opts.corrected ? labelledPixels(nuclei, cells) : new Int32Array(0);
  const levels = new Map(channels.map((c) => [c, timed(t, 'colocalization', () => imageLevels(unit.get(c)!, opts.corrected?.[c] ? null : images[c], labelled))]));
  const out: Partial<Record<Compartment, ObjectTable>> & { Image?: ImageMeasurements } = {};
  // JUMP's EnhanceOrSuppressFeatures on Mito, for mito_bw and the radial distributions around the nuclei
  const mito = unit.get(opts.mito ?? 'Mito');
  const tube = mito && channels.includes(opts.mito ?? 'Mito') ? timed(t, 'tubeness', () => tubeness(mito, width, height)) : undefined;
  if ((opts.image ?? true) && channels.length) out.Image = timed(t, 'image', () => measureImage(images, channels, unit, orig, grey, spectra, cells, opts.textureScales ?? TEXTURE_SCALES, opts.greyLevels ?? 256, tube));
  const cytoIx = comps.find((c) => c.comp === 'Cytoplasm')?.ix;
  comps.forEach(({ comp, labels, ix }, j) => {
    const granularity = new Map(channels.map((c) => [c, spectra.get(c)!.objects[j]]));
    out[comp] = measureCompartment(comp, labels, ix, channels, unit, grey, levels, granularity, opts, comp === 'Cytoplasm' ? null : relations(comp, ix.ids, cytoIx), tube && nuclei && comp !== 'Nuclei' ? { nuclei, tube } : undefined);
  });
  return out;
}

/** The pixels in a nucleus or a cell, in raster order. */
function labelledPixels(nuclei: Labels | undefined, cells: Labels | undefined): Int32Array {
  const a = (nuclei ?? cells)!.data, b = (cells ?? nuclei)!.data;
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] || b[i]) m++;
  const out = new Int32Array(m);
  for (let i = 0, j = 0; i < a.length; i++) if (a[i] || b[i]) out[j++] = i;
  return out;
}

/**
 * RelateObjects columns of JUMP_analysis_v3 for Nuclei and Cells: Children_Cytoplasm_Count (1
 * when the object's cytoplasm has pixels) and Parent_<set>IncludingEdges. Stainless keeps each
 * object's number from segmentation (border objects are flagged, not renumbered), so the parent
 * in the set including edges is the object's own number.
 */
function relations(comp: 'Cells' | 'Nuclei', ids: Int32Array, cyto: ObjectIndex | undefined): FeatureBlock {
  const names = [`Parent_${comp}IncludingEdges`];
  const values = [Float64Array.from(ids)];
  if (cyto) {
    // the cytoplasm's index knows which numbers have pixels: no pass over its labels
    const has = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) has[k] = ids[k] < cyto.slot.length && cyto.slot[ids[k]] >= 0 ? 1 : 0;
    names.unshift('Children_Cytoplasm_Count');
    values.unshift(has);
  }
  return { names, values };
}

function measureCompartment(
  comp: Compartment,
  labels: Labels,
  ix: ObjectIndex,
  channels: string[],
  unit: Map<string, Float64Array>,
  grey: Map<string, Uint16Array>,
  levels: Map<string, ImageLevels | null>,
  granularity: Map<string, FeatureBlock>,
  opts: MeasureOptions,
  related: FeatureBlock | null,
  centred?: { nuclei: Labels; tube: Float64Array },
): ObjectTable {
  const t = opts.cpu;
  const edges = timed(t, 'objects', () => objectEdges(ix));
  const edge = edges.toEdge;
  const { outline, edge: edgePixels } = timed(t, 'objects', () => outlineAndEdge(labels.data, labels.width, labels.height));
  const blocks: FeatureBlock[] = [];
  const shape = timed(t, 'areaShape', () => measureAreaShape(ix, edge));
  blocks.push(shape);
  const cx = shape.values[shape.names.indexOf('AreaShape_Center_X')];
  const cy = shape.values[shape.names.indexOf('AreaShape_Center_Y')];
  // 2-D objects: CellProfiler writes Z = 0; Number_Object_Number is the object's own number
  blocks.push({ names: ['Location_Center_X', 'Location_Center_Y', 'Location_Center_Z', 'Number_Object_Number'], values: [cx, cy, new Float64Array(ix.ids.length), Float64Array.from(ix.ids)] });
  if (related) blocks.push(related);
  // JUMP_analysis_v3: Cells Adjacent and within 5 px, Nuclei within 1 px (and Adjacent)
  if (comp !== 'Cytoplasm') {
    blocks.push(timed(t, 'neighbors', () => measureNeighbors(ix, outline, cx, cy, 1, 'Adjacent', edgePixels)));
    const d = comp === 'Cells' ? 5 : 1;
    blocks.push(timed(t, 'neighbors', () => measureNeighbors(ix, outline, cx, cy, d, String(d), edgePixels)));
  }
  const geo = timed(t, 'radial', () => radialGeometry(ix, edges.clipped!));
  const radial = timed(t, 'radial', () => measureRadial(ix, geo, channels.map((c) => unit.get(c)!), channels));
  const coloc = new Map(channels.map((c) => [c, timed(t, 'colocalization', () => colocChannel(ix, c, unit.get(c)!, levels.get(c)!))]));
  for (const [j, c] of channels.entries()) {
    const img = unit.get(c)!;
    blocks.push(timed(t, 'intensity', () => measureIntensity(ix, img, edgePixels, c)));
    blocks.push(granularity.get(c)!);
    blocks.push(...timed(t, 'texture', () => measureTexture(ix, grey.get(c)!, c, opts.textureScales ?? TEXTURE_SCALES, opts.greyLevels ?? 256)));
    blocks.push(radial[j]);
  }
  if (centred) {
    // JUMP_analysis_v3: mito_tubeness around the Nuclei, 16 scaled bins, and 20 bins of 10 px with an Overflow
    const g = timed(t, 'centredRadial', () => centredGeometry(ix, centred.nuclei, edges.clipped!));
    blocks.push(timed(t, 'centredRadial', () => measureCentredRadial(ix, g, centred.tube, 'mito_tubeness', 16, true, 100)));
    blocks.push(timed(t, 'centredRadial', () => measureCentredRadial(ix, g, centred.tube, 'mito_tubeness', 20, false, 200)));
  }
  // pairs in name order, as JUMP_analysis_v3 lists its images (Correlation_Correlation_AGP_DNA)
  const byName = [...channels].sort();
  blocks.push(...timed(t, 'colocalization', () => measureCorrelations(ix, byName.map((c) => coloc.get(c)!))));
  return {
    objectNumbers: ix.ids,
    touchesBorder: touchingBorder(ix),
    names: blocks.flatMap((b) => b.names),
    values: blocks.flatMap((b) => b.values),
  };
}

/** Rows as JSON objects: ObjectNumber + measurement names without the compartment prefix (non-finite → null). */
export function tableToObjects(t: ObjectTable): Array<Record<string, number | null>> {
  return Array.from(t.objectNumbers, (id, k) => {
    const row: Record<string, number | null> = { ObjectNumber: id };
    t.names.forEach((n, j) => {
      const v = t.values[j][k];
      row[n] = Number.isFinite(v) ? v : null;
    });
    return row;
  });
}
