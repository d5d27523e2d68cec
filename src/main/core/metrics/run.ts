import type { Db } from '../catalog/db';
import type { ChannelPixelSummary, MetricsParams, QcSummary, RunMetrics, SegSummary, WellKey } from '../../../shared/contract/metrics';
import { PAINT_CHANNELS } from '../../../shared/channels';
import { readGray } from '../io/tiff';
import { psnr } from './pixel';
import { honestSite, imageMedian, leaveOneOutLevels, skillScore, type HonestSite, type ObjectMasks } from './honest';
import type { HonestChannel } from '../../../shared/contract/metrics';
import { DEFAULT_SCALE, describeScale, to255 } from './scale';
import { matchLabels, type SegMatch } from './matching';
import { distribution, poolMatches } from './summary';
import { pearson } from '../../../shared/stats';
import { controlsQc, computeBiology } from './biology';
import { loadRunProfiles, FEATURES_MISSING } from './profiles';
import { acquiredClassical, loadRun, plateWells, predictedSegmentations, referenceSegmentations, runSites, type SegFiles } from './sources';
import { saveRunMetrics, type MetricRow } from './store';

export type MetricsProgress = (done: number, total: number, message?: string) => void;

const fin = (v: number) => (Number.isFinite(v) ? v : null);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * All metrics of one run against the plate's acquired references, stored in the catalog (replacing
 * earlier ones) and returned. Streams site by site (two images in memory at a time).
 */
export async function computeRunMetrics(db: Db, params: MetricsParams, onProgress: MetricsProgress = () => {}): Promise<RunMetrics> {
  const t0 = performance.now();
  const run = loadRun(db, params.runId);
  const sites = runSites(db, run.id);
  const wells = plateWells(db, run.plateId);
  const rows: MetricRow[] = [];
  const notes: string[] = [];
  const seconds: Record<string, number> = {};
  const predSeg = predictedSegmentations(db, run.id);
  const refSeg = referenceSegmentations(db, run.plateId);
  const segSites = refSeg ? sites.filter((s) => predSeg.has(s.siteId) && refSeg.bySite.has(s.siteId)) : [];
  const acqClassical = refSeg?.kind === 'truth' ? acquiredClassical(db, run.plateId) : new Map<number, SegFiles>();
  const baseSites = segSites.filter((s) => acqClassical.has(s.siteId));
  const total = sites.length + segSites.length + baseSites.length;
  let done = 0;

  // ---- pixel metrics per site and channel
  const tPix = performance.now();
  const perChannel = new Map<string, { mse: number[]; psnr: number[]; ssim: number[] }>();
  const perWell = new Map<string, number[]>(); // `${wellId}|${key}|${channel}` → site values
  const addWell = (wellId: number, key: string, channel: string, v: number) => {
    const k = `${wellId}|${key}|${channel}`;
    perWell.set(k, [...(perWell.get(k) ?? []), v]);
  };
  // honest metrics: each site's baseline is a constant image at the median of the other sites'
  // median levels (0–255 scale); objects come from the reference segmentation when there is one
  const levels = await baselineLevels(sites);
  const honest = new Map<string, HonestSite[]>();
  let pairs = 0;
  for (const s of sites) {
    const ref = refSeg?.bySite.get(s.siteId);
    const masks = ref ? await readMasks(ref) : null;
    for (const ch of PAINT_CHANNELS) {
      const sp = s.synthetic.get(ch);
      const ap = s.acquired.get(ch);
      if (!sp || !ap) continue;
      const [syn, acq] = await Promise.all([readGray(sp), readGray(ap)]);
      if (syn.width !== acq.width || syn.height !== acq.height)
        throw new Error(`site ${s.well} f${s.field} ${ch}: synthetic ${sp} is ${syn.width}×${syn.height} but acquired ${ap} is ${acq.width}×${acq.height}`);
      if (masks && masks.nuclei.length !== acq.width * acq.height) throw new Error(`site ${s.well} f${s.field}: reference labels ${ref!.nucleiPath} are not ${acq.width}×${acq.height}`);
      const a255 = to255(acq, DEFAULT_SCALE);
      const s255 = to255(syn, DEFAULT_SCALE);
      const h = honestSite(a255, s255, levels.get(`${s.siteId}|${ch}`) ?? null, masks, { dataRange: 255, window: params.ssimWindow });
      const m = { mse: h.mse, psnr: psnr(a255, s255, 255), ssim: h.ssim };
      pairs++;
      const c = perChannel.get(ch) ?? { mse: [], psnr: [], ssim: [] };
      perChannel.set(ch, c);
      if (!honest.has(ch)) honest.set(ch, []);
      honest.get(ch)!.push(h);
      for (const k of ['mse', 'psnr', 'ssim'] as const) {
        c[k].push(m[k]);
        rows.push({ scope: 'site', siteId: s.siteId, wellId: s.wellId, key: k, channel: ch, value: m[k] });
        addWell(s.wellId, k, ch, m[k]);
      }
      addWell(s.wellId, 'ssim', '', m.ssim);
      for (const [key, v] of HONEST_ROWS.map((k) => [k, h[HONEST_FIELD[k]]] as const)) {
        if (v === null || !Number.isFinite(v)) continue;
        rows.push({ scope: 'site', siteId: s.siteId, wellId: s.wellId, key, channel: ch, value: v });
        if (key === 'ssim_nuclei' || key === 'ssim_cells') addWell(s.wellId, key, ch, v);
      }
    }
    onProgress(++done, total, `pixel metrics ${s.well} f${s.field}`);
  }
  if (!pairs) notes.push('no site has both a synthetic and an acquired image of a Cell Painting channel: pixel metrics need acquired references');
  if (pairs && sites.length < 2) notes.push('the constant baseline needs at least two sites (it is the median level of the other sites): no baseline or skill');
  if (pairs && !refSeg) notes.push('SSIM and r inside nuclei and cells need a reference segmentation (ground truth, or `stainless segment --source acquired`)');
  const pixel: ChannelPixelSummary[] = PAINT_CHANNELS.filter((ch) => perChannel.has(ch)).map((ch) => {
    const c = perChannel.get(ch)!;
    return { channel: ch, sites: c.ssim.length, mse: distribution(c.mse), psnr: distribution(c.psnr), ssim: distribution(c.ssim), honest: summarizeHonest(honest.get(ch)!, refSeg?.kind ?? null) };
  });
  seconds.pixel = (performance.now() - tPix) / 1000;

  // ---- segmentation metrics per site, pooled per object kind
  const tSeg = performance.now();
  const segmentation: SegSummary[] = [];
  if (!predSeg.size) notes.push('the run has no segmentation of its synthetic images yet (run `stainless segment`)');
  else if (!refSeg) notes.push('no reference segmentation: neither ground-truth labels nor a classical segmentation of the acquired images');
  else {
    const match = async (s: (typeof segSites)[number], ref: SegFiles, pred: SegFiles, kind: 'nuclei' | 'cells') => {
      const gtPath = kind === 'nuclei' ? ref.nucleiPath : ref.cellsPath;
      const prPath = kind === 'nuclei' ? pred.nucleiPath : pred.cellsPath;
      const [gt, pr] = await Promise.all([readGray(gtPath), readGray(prPath)]);
      if (gt.width !== pr.width || gt.height !== pr.height)
        throw new Error(`site ${s.well} f${s.field} ${kind}: reference labels ${gtPath} are ${gt.width}×${gt.height} but ${prPath} is ${pr.width}×${pr.height}`);
      return matchLabels(gt, pr, params.iou);
    };
    const byKind: Record<'nuclei' | 'cells', SegMatch[]> = { nuclei: [], cells: [] };
    for (const s of segSites) {
      const p = predSeg.get(s.siteId)!;
      const r = refSeg.bySite.get(s.siteId)!;
      for (const kind of ['nuclei', 'cells'] as const) {
        const m = await match(s, r, p, kind);
        byKind[kind].push(m);
        for (const k of ['f1', 'precision', 'recall', 'panoptic_quality'] as const) {
          rows.push({ scope: 'site', siteId: s.siteId, wellId: s.wellId, key: `${kind}_${k}`, value: m[k] });
          addWell(s.wellId, `${kind}_${k}`, '', m[k]);
        }
      }
      onProgress(++done, total, `segmentation ${s.well} f${s.field}`);
    }
    const method = [...new Set(segSites.map((s) => predSeg.get(s.siteId)!.method))].join('+');
    for (const kind of ['nuclei', 'cells'] as const)
      if (byKind[kind].length)
        segmentation.push({ objects: kind, truth: refSeg.kind, method, baseline: false, sites: byKind[kind].length, ...poolMatches(byKind[kind], params.iou) });
    // With ground truth, the classical segmentation of the acquired images on the same sites is the
    // baseline that puts the synthetic numbers in context (what the real stains would give).
    if (refSeg.kind === 'truth' && acqClassical.size) {
      const base: Record<'nuclei' | 'cells', SegMatch[]> = { nuclei: [], cells: [] };
      for (const s of baseSites) {
        for (const kind of ['nuclei', 'cells'] as const) base[kind].push(await match(s, refSeg.bySite.get(s.siteId)!, acqClassical.get(s.siteId)!, kind));
        onProgress(++done, total, `baseline segmentation ${s.well} f${s.field}`);
      }
      for (const kind of ['nuclei', 'cells'] as const)
        if (base[kind].length)
          segmentation.push({ objects: kind, truth: 'truth', method: 'classical on acquired images', baseline: true, sites: base[kind].length, ...poolMatches(base[kind], params.iou) });
    }
  }
  seconds.segmentation = (performance.now() - tSeg) / 1000;

  // ---- cell counts per well (from the segmentation rows; no pixels needed)
  let cellCount: RunMetrics['cellCount'] = null;
  const qc: QcSummary[] = [];
  const labelOf = new Map(wells.map((w) => [w.well, w]));
  if (predSeg.size && refSeg) {
    const countBy = (segs: Iterable<{ wellId: number; siteId: number; nCells: number }>, keep: Set<number>) => {
      const m = new Map<number, number>();
      for (const g of segs) if (keep.has(g.siteId)) m.set(g.wellId, (m.get(g.wellId) ?? 0) + g.nCells);
      return m;
    };
    const keep = new Set(segSites.map((s) => s.siteId));
    const syn = countBy(predSeg.values(), keep);
    const ref = countBy(refSeg.bySite.values(), keep);
    const ids = [...syn.keys()].filter((w) => ref.has(w));
    cellCount = { wells: ids.length, r: fin(pearson(ids.map((w) => ref.get(w)!), ids.map((w) => syn.get(w)!))), truth: refSeg.kind };
    const nameOf = new Map(wells.map((w) => [w.wellId, w.well]));
    for (const w of ids) {
      rows.push({ scope: 'well', wellId: w, key: 'cell_count_synthetic', value: syn.get(w)! });
      rows.push({ scope: 'well', wellId: w, key: 'cell_count_reference', value: ref.get(w)! });
    }
    for (const [source, m] of [['acquired', ref], ['synthetic', syn]] as const)
      qc.push(controlsQc('cell count', source, ids.map((w) => ({ well: nameOf.get(w)!, value: m.get(w)! })), labelOf));
  }

  // ---- per-well means of the per-site values
  for (const [k, vs] of perWell) {
    const [wellId, key, channel] = k.split('|');
    rows.push({ scope: 'well', wellId: Number(wellId), key, channel, value: mean(vs) });
  }

  // ---- biology (needs per-well feature profiles)
  const tBio = performance.now();
  const profiles = await loadRunProfiles(db, run.id);
  let biology: ReturnType<typeof computeBiology> | null = null;
  if (profiles.acquired && profiles.synthetic) {
    biology = computeBiology({
      acquired: profiles.acquired,
      synthetic: profiles.synthetic,
      labels: wells,
      cells: profiles.cells,
      qcFeature: params.qcFeature ?? null,
    });
    notes.push(...biology.notes);
    for (const [k, v] of Object.entries(biology.seconds)) seconds[`biology_${k}`] = v;
    if (profiles.note) notes.push(profiles.note);
    const idOf = new Map(wells.map((w) => [w.well, w.wellId]));
    for (const { well, r } of biology.wellProfileR) if (idOf.has(well)) rows.push({ scope: 'well', wellId: idOf.get(well)!, key: 'profile_r', value: r });
  } else notes.push(profiles.note ?? FEATURES_MISSING);
  seconds.biology = (performance.now() - tBio) / 1000;
  seconds.total = (performance.now() - t0) / 1000;

  for (const s of pixel) for (const k of ['mse', 'psnr', 'ssim'] as const) rows.push({ scope: 'run', key: `${k}_mean`, channel: s.channel, value: s[k].mean });
  for (const s of pixel) {
    const h = s.honest!;
    const runRows: Array<[string, number | null]> = [['ssim_skill', h.skillSsim], ['mse_skill', h.skillMse], ['ssim_baseline_mean', h.baselineSsim], ['ssim_nuclei_mean', h.nuclei?.ssim ?? null], ['ssim_cells_mean', h.cells?.ssim ?? null], ['ssim_nuclei_skill', h.nuclei?.skillSsim ?? null], ['ssim_cells_skill', h.cells?.skillSsim ?? null]];
    for (const [key, value] of runRows) if (value !== null) rows.push({ scope: 'run', key, channel: s.channel, value });
  }
  for (const s of segmentation) rows.push({ scope: 'run', key: `${s.objects}_f1`, value: s.f1 });

  const wellKeyList = [...new Set(rows.filter((r) => r.scope === 'well').map((r) => `${r.key}|${r.channel ?? ''}`))].sort();
  const wellKeys: WellKey[] = wellKeyList.map((kc) => {
    const [key, channel] = kc.split('|');
    return { key, channel, label: wellKeyLabel(key, channel) };
  });

  const summary: RunMetrics = {
    runId: run.id,
    plate: run.plate,
    model: run.model,
    provider: run.provider,
    runTimings: run.timings,
    computedAt: new Date().toISOString(),
    seconds,
    scale: describeScale(DEFAULT_SCALE),
    baseline: BASELINE_RULE,
    ssimWindow: params.ssimWindow,
    pixel,
    segmentation,
    cellCount,
    features: biology?.features ?? null,
    separation: biology?.separation ?? [],
    activity: biology?.activity ?? [],
    frechet: biology?.frechet ?? null,
    qc: [...qc, ...(biology?.qc ?? [])],
    wellKeys,
    notes,
  };
  saveRunMetrics(db, run.id, params, rows, summary);
  return summary;
}

function wellKeyLabel(key: string, channel: string): string {
  const names: Record<string, string> = {
    mse: 'MSE',
    psnr: 'PSNR (dB)',
    ssim: 'SSIM',
    cell_count_synthetic: 'cell count (synthetic)',
    cell_count_reference: 'cell count (reference)',
    profile_r: 'profile agreement r (acquired vs synthetic)',
    ssim_nuclei: 'SSIM inside nuclei',
    ssim_cells: 'SSIM inside cells',
  };
  const base = names[key] ?? key.replace(/_/g, ' ').replace('panoptic quality', 'PQ');
  return channel ? `${base} ${channel}` : key === 'ssim' ? 'SSIM (mean over channels)' : base;
}

export const BASELINE_RULE = 'baseline: a constant image at the median 0–255 level of the other sites (per channel); skill = (score − baseline)/(perfect − baseline) on the site means (SSIM: perfect 1; MSE: perfect 0, i.e. 1 − MSE/MSE_baseline)';

/** site rows of the honest metrics (metric key → HonestSite field) */
const HONEST_FIELD = {
  ssim_baseline: 'baselineSsim',
  mse_baseline: 'baselineMse',
  r: 'r',
  ssim_nuclei: 'ssimNuclei',
  ssim_cells: 'ssimCells',
  r_nuclei: 'rNuclei',
  r_cells: 'rCells',
  ssim_nuclei_baseline: 'baselineSsimNuclei',
  ssim_cells_baseline: 'baselineSsimCells',
} as const satisfies Record<string, keyof HonestSite>;
const HONEST_ROWS = Object.keys(HONEST_FIELD) as Array<keyof typeof HONEST_FIELD>;

/** Per site and channel, the leave-one-out baseline level (keys `${siteId}|${channel}`). */
async function baselineLevels(sites: Array<{ siteId: number; acquired: Map<string, string>; synthetic: Map<string, string> }>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ch of PAINT_CHANNELS) {
    const with_ = sites.filter((s) => s.acquired.has(ch) && s.synthetic.has(ch));
    const medians: number[] = [];
    for (const s of with_) medians.push(imageMedian(to255(await readGray(s.acquired.get(ch)!), DEFAULT_SCALE)));
    leaveOneOutLevels(medians).forEach((l, i) => l !== null && out.set(`${with_[i].siteId}|${ch}`, l));
  }
  return out;
}

async function readMasks(ref: SegFiles): Promise<ObjectMasks> {
  const [n, c] = await Promise.all([readGray(ref.nucleiPath), readGray(ref.cellsPath)]);
  return { nuclei: Uint8Array.from(n.data, (v) => (v > 0 ? 1 : 0)), cells: Uint8Array.from(c.data, (v) => (v > 0 ? 1 : 0)) };
}

const meanOf = (xs: Array<number | null>): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

function summarizeHonest(sites: HonestSite[], objects: 'truth' | 'classical' | null): HonestChannel {
  const mseM = meanOf(sites.map((h) => h.mse));
  const ssimM = meanOf(sites.map((h) => h.ssim));
  const bMse = meanOf(sites.map((h) => h.baselineMse));
  const bSsim = meanOf(sites.map((h) => h.baselineSsim));
  const inside = (k: 'Nuclei' | 'Cells') => {
    const ssim = meanOf(sites.map((h) => h[`ssim${k}`]));
    const base = meanOf(sites.map((h) => h[`baselineSsim${k}`]));
    return { ssim, r: meanOf(sites.map((h) => h[`r${k}`])), baselineSsim: base, skillSsim: ssim !== null && base !== null ? skillScore(ssim, base, 1) : null };
  };
  return {
    r: meanOf(sites.map((h) => h.r)),
    baselineMse: bMse,
    baselinePsnr: meanOf(sites.map((h) => (h.baselineMse === null ? null : 10 * Math.log10((255 * 255) / h.baselineMse)))),
    baselineSsim: bSsim,
    skillMse: mseM !== null && bMse !== null ? skillScore(mseM, bMse, 0) : null,
    skillSsim: ssimM !== null && bSsim !== null ? skillScore(ssimM, bSsim, 1) : null,
    objects,
    nuclei: objects ? inside('Nuclei') : null,
    cells: objects ? inside('Cells') : null,
  };
}
