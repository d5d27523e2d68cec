import { existsSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PLATE_FORMATS, wellName, type PlateFormat } from '../../../shared/channels';
import { probeImage } from '../io/probe';
import { greyOfColour, ImageReadError, unsupportedSamples } from '../io/tiff';
import { BUILTIN_NAMINGS, IMAGE_EXT, NamingError, parseChannelMap, patternNaming, type NamedImage, type Naming } from '../io/naming';
import {
  findMetadataRoot,
  listJumpBarcodes,
  PlatemapError,
  readPlatemap,
  resolveJumpMetadata,
  type ColumnMapping,
  type PlateAnnotation,
} from '../io/platemap';
import type { ImportOptions, ImportProblem, ImportProgress } from '../../../shared/contract/catalog';
import { Problems } from './problems';

/** One image the import will register. */
export interface PlannedImage {
  path: string;
  row: number;
  col: number;
  field: number;
  channel: string;
  width: number;
  height: number;
  bitDepth: number;
}

/** Everything import learns from a folder before writing anything. */
export interface ScanResult {
  dir: string;
  imageDir: string;
  barcode: string;
  format: PlateFormat;
  naming: Naming['kind'] | null;
  channelMap: Record<string, string>;
  channels: string[];
  filesScanned: number;
  ignoredFiles: number;
  images: PlannedImage[];
  wells: number;
  sites: number;
  annotation: PlateAnnotation | null;
  annotatedWells: number;
  unannotatedWells: number;
  problems: ImportProblem[];
  problemCounts: { errors: number; warnings: number };
}

/**
 * Read a plate folder and its plate map without touching the catalog: file names, image headers
 * (bounded concurrency, no pixel decode) and annotation, with every problem found. Errors make
 * the import refuse; warnings are reported and the import goes on.
 */
export async function scanPlate(opts: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ScanResult> {
  const dir = resolve(opts.dir);
  const problems = new Problems();
  const result: ScanResult = {
    dir,
    imageDir: dir,
    barcode: opts.barcode ?? '',
    format: opts.format ?? 96,
    naming: null,
    channelMap: {},
    channels: [],
    filesScanned: 0,
    ignoredFiles: 0,
    images: [],
    wells: 0,
    sites: 0,
    annotation: null,
    annotatedWells: 0,
    unannotatedWells: 0,
    problems: problems.list,
    problemCounts: problems.counts,
  };
  if (!existsSync(dir)) {
    problems.add('error', 'not_found', `${dir}: folder does not exist`, dir);
    return result;
  }
  if (!statSync(dir).isDirectory()) {
    problems.add('error', 'not_directory', `${dir}: is a file, not a folder of images`, dir);
    return result;
  }
  const imagesSub = join(dir, 'Images');
  result.imageDir = existsSync(imagesSub) && statSync(imagesSub).isDirectory() ? imagesSub : dir;
  const listed = await listFiles(result.imageDir, dir, problems);
  if (listed.truncated) {
    problems.add('error', 'bad_option', `${result.imageDir}: more than ${MAX_FILES} files under this folder; choose the plate's own folder`, result.imageDir);
    return result;
  }
  const files = listed.files;
  const imageFiles = files.filter((f) => IMAGE_EXT.test(f));
  result.ignoredFiles = files.length - imageFiles.length;
  if (!imageFiles.length) {
    problems.add('error', 'empty_folder', `${result.imageDir}: no image files (.tif/.tiff/.png) found${files.length ? ` among ${files.length} files` : ''}`, result.imageDir);
    return result;
  }

  // Naming: the user's pattern, else the built-in naming that explains the most file names.
  let naming: Naming;
  try {
    naming = opts.pattern ? patternNaming(opts.pattern) : detectNaming(imageFiles);
  } catch (e) {
    if (!(e instanceof NamingError)) throw e;
    problems.add('error', 'unknown_naming', e.message);
    return result;
  }
  result.naming = naming.kind;
  let userMap: Record<string, string> = {};
  try {
    userMap = typeof opts.channelMap === 'string' ? parseChannelMap(opts.channelMap, naming.kind) : normaliseMap(opts.channelMap ?? {}, naming.kind);
  } catch (e) {
    problems.add('error', 'bad_option', (e as Error).message);
    return result;
  }
  result.channelMap = { ...naming.defaultChannels, ...userMap };

  // Names → positions.
  const parsed: Array<{ file: string; n: NamedImage }> = [];
  const deadline = performance.now() + PARSE_BUDGET_MS;
  for (let i = 0; i < imageFiles.length; i++) {
    // let other requests in now and then; a naming that needs longer than the budget is refused
    if (i % 512 === 511) {
      await new Promise((r) => setImmediate(r));
      if (performance.now() > deadline) {
        problems.add('error', 'bad_option', `${result.imageDir}: reading the names took longer than ${PARSE_BUDGET_MS / 1000} s (${i} of ${imageFiles.length} files); simplify --pattern`);
        return result;
      }
    }
    const rel = imageFiles[i];
    const base = basename(rel);
    const file = join(result.imageDir, rel);
    if (naming.ignore?.(base)) {
      result.ignoredFiles++;
      continue;
    }
    try {
      const n = naming.parse(base);
      if (n) parsed.push({ file, n });
      else problems.add('warning', 'unknown_file', `${file}: name does not follow the ${naming.kind} naming; skipped`, file);
    } catch (e) {
      if (!(e instanceof NamingError)) throw e;
      problems.add('error', 'bad_name', `${file}: ${e.message}`, file);
    }
  }
  if (!parsed.length) {
    problems.add('error', 'unknown_naming', `${result.imageDir}: no file name follows the ${naming.kind} naming (e.g. ${basename(imageFiles[0])})`);
    return result;
  }

  // One plate per import: the naming's plate token, else --barcode, else JUMP metadata, else the folder.
  let items = parsed;
  const tokens = [...new Set(parsed.map((p) => p.n.plate).filter((p): p is string => !!p))];
  if (tokens.length > 1) {
    if (opts.barcode && tokens.includes(opts.barcode)) items = parsed.filter((p) => p.n.plate === opts.barcode);
    else {
      problems.add('error', 'several_plates', `${result.imageDir}: holds images of ${tokens.length} plates (${tokens.slice(0, 10).join(', ')}); import one at a time with --barcode`);
      return result;
    }
  }
  // Several z-planes: the lowest plane is imported (microscope exports of Cell Painting use one).
  const planes = [...new Set(items.map((p) => p.n.plane ?? 1))].sort((a, b) => a - b);
  if (planes.length > 1) {
    const skipped = items.filter((p) => (p.n.plane ?? 1) !== planes[0]);
    problems.add('warning', 'plane_skipped', `${skipped.length} images of planes ${planes.slice(1).join(', ')} skipped (only plane ${planes[0]} is imported), e.g. ${basename(skipped[0].file)}`, skipped[0].file);
    items = items.filter((p) => (p.n.plane ?? 1) === planes[0]);
  }

  // Plate map (before the barcode is final: JUMP's barcode_platemap.csv may name the plate).
  const folderName = /^images$/i.test(basename(dir)) ? basename(dirname(dir)) : basename(dir);
  result.barcode = opts.barcode ?? tokens[0] ?? '';
  result.annotation = loadAnnotation(opts, dir, result, folderName, problems);
  if (!result.barcode) result.barcode = folderName;

  // Channels.
  const usedKeys = new Set(items.map((p) => p.n.channelKey));
  for (const k of Object.keys(userMap)) {
    if (!usedKeys.has(k)) problems.add('warning', 'channel_unused', `channel map entry ${k}=${userMap[k]}: no file has channel ${k} (channels found: ${[...usedKeys].sort().join(', ')})`);
  }
  const unnamed = [...usedKeys].filter((k) => !result.channelMap[k]).sort();
  if (unnamed.length && naming.kind !== 'pattern')
    problems.add('warning', 'channel_unmapped', `channels ${unnamed.join(', ')} have no name; they are imported as ${unnamed.join(', ')} (name them with --channel-map ${unnamed[0]}=DNA,...)`);
  const nameOf = (k: string) => result.channelMap[k] ?? k;
  const names = new Map<string, string>();
  for (const k of usedKeys) {
    const nm = nameOf(k);
    const other = names.get(nm);
    if (other !== undefined) problems.add('error', 'bad_option', `channel map gives channels ${other} and ${k} the same name ${nm}`);
    names.set(nm, k);
  }
  result.channels = [...names.keys()].sort();

  result.format = checkFormat(opts.format ?? null, items, result.annotation, problems);

  result.sites = checkSites(items, nameOf, names, problems, (key) => naming.exampleName?.({ ...key, plate: tokens[0], plane: planes[0] }));
  const wellKeys = new Set(items.map(({ n }) => `${n.row},${n.col}`));
  if (result.annotation) {
    const mapped = new Set(result.annotation.wells.map((w) => `${w.row},${w.col}`));
    result.annotatedWells = mapped.size;
    result.unannotatedWells = [...wellKeys].filter((k) => !mapped.has(k)).length;
    // (wells outside the format are errors already)
    const { rows, cols } = PLATE_FORMATS[result.format];
    const unimaged = result.annotation.wells.filter((w) => !wellKeys.has(`${w.row},${w.col}`) && w.row < rows && w.col < cols);
    if (unimaged.length)
      problems.add('warning', 'unimaged_wells', `${unimaged.length} plate-map wells have no images (e.g. ${unimaged.slice(0, 5).map((w) => wellName(w.row, w.col)).join(', ')}); they are catalogued with their annotation`, result.annotation.platemapFile);
    for (const u of result.annotation.unknownCompounds)
      problems.add('warning', 'unknown_compound', `${u.at}: compound ${u.broadSample} is not in ${result.annotation.compoundFile}; imported with its id only`, result.annotation.compoundFile ?? undefined);
    for (const k of mapped) wellKeys.add(k);
  } else result.unannotatedWells = wellKeys.size;
  result.wells = wellKeys.size;

  result.images = await probeHeaders(items, nameOf, problems, opts.concurrency ?? 16, onProgress);
  result.filesScanned = items.length;
  checkSiteSizes(result.images, problems);
  checkBitDepths(result.images, problems);
  return result;
}

/** Duplicates (an error) and missing channels (a warning naming the expected file), per site. Returns the site count. */
function checkSites(
  items: Array<{ file: string; n: NamedImage }>,
  nameOf: (key: string) => string,
  names: Map<string, string>,
  problems: Problems,
  exampleName: (i: NamedImage) => string | undefined,
): number {
  const sites = new Map<string, Map<string, string>>();
  for (const { file, n } of items) {
    const sk = `${n.row},${n.col},${n.field}`;
    let site = sites.get(sk);
    if (!site) sites.set(sk, (site = new Map()));
    const ch = nameOf(n.channelKey);
    const prev = site.get(ch);
    if (prev) problems.add('error', 'duplicate_image', `${file}: same well ${wellName(n.row, n.col)}, site ${n.field}, channel ${ch} as ${prev}`, file);
    else site.set(ch, file);
  }
  // One warning per set of missing channels, not one per site: a stray channel would otherwise
  // bury the report under a line for every other site.
  const groups = new Map<string, { missing: Array<[string, string]>; sites: Array<[number, number, number, string]> }>();
  for (const [sk, site] of sites) {
    if (site.size === names.size) continue;
    const [r, c, f] = sk.split(',').map(Number);
    const missing = [...names].filter(([nm]) => !site.has(nm)).sort(([a], [b]) => a.localeCompare(b));
    const key = missing.map(([nm]) => nm).join(',');
    const g = groups.get(key) ?? { missing, sites: [] };
    groups.set(key, g);
    g.sites.push([r, c, f, site.values().next().value as string]);
  }
  for (const { missing, sites: where } of groups.values()) {
    const [r, c, f, file] = where[0];
    const example = exampleName({ row: r, col: c, field: f, channelKey: missing[0][1] });
    const one = where.length === 1;
    problems.add(
      'warning',
      'missing_channels',
      `missing channel${missing.length > 1 ? 's' : ''} ${missing.map(([nm]) => nm).join(', ')} in ${where.length} of ${sites.size} site${sites.size === 1 ? '' : 's'} (${one ? '' : 'e.g. '}well ${wellName(r, c)} site ${f}${example ? `, expected ${example}` : ''})`,
      file,
    );
  }
  return sites.size;
}

/** At most this many wells beyond a format's grid are taken for strays (a typo, a misnamed file), not a bigger plate. */
const STRAY_WELLS = 2;

/**
 * The plate format: given, else detected from the imaged and the plate-map wells together — the
 * smallest format that holds all of them but at most STRAY_WELLS (and those few must be far fewer
 * than the wells inside). Without this a single stray `r17c01` file or `Q30` plate-map row would
 * silently make a 96-well plate a 1536-well one; instead every well outside is an error naming it
 * and its file, and --format says what the plate really is.
 */
function checkFormat(given: PlateFormat | null, items: Array<{ file: string; n: NamedImage }>, annotation: PlateAnnotation | null, problems: Problems): PlateFormat {
  const wells = new Set<string>();
  for (const { n } of items) wells.add(`${n.row},${n.col}`);
  for (const w of annotation?.wells ?? []) wells.add(`${w.row},${w.col}`);
  const cells = [...wells].map((k) => k.split(',').map(Number) as [number, number]);
  const outsideOf = (f: PlateFormat) => cells.filter(([r, c]) => r >= PLATE_FORMATS[f].rows || c >= PLATE_FORMATS[f].cols).length;
  const formats: PlateFormat[] = [96, 384, 1536];
  const detected =
    formats.find((f) => {
      const out = outsideOf(f);
      return out === 0 || (out <= STRAY_WELLS && out * 4 < cells.length - out);
    }) ?? 1536;
  const format = given ?? detected;
  const { rows, cols } = PLATE_FORMATS[format];
  const inside = (r: number, c: number) => r < rows && c < cols;
  const bigger = formats.filter((f) => f > format && cells.every(([r, c]) => r < PLATE_FORMATS[f].rows && c < PLATE_FORMATS[f].cols));
  const formatNote = given
    ? `the ${format}-well format given (${rows}×${cols})`
    : `the ${format}-well plate (${rows}×${cols}) that the other ${cells.length - outsideOf(format)} wells make up${bigger.length ? `; give --format ${bigger[0]} if the plate is ${bigger[0]}-well` : ''}`;
  const largest = PLATE_FORMATS[1536];
  const where = (r: number, c: number) => (r < largest.rows && c < largest.cols ? formatNote : `every plate format (the largest, 1536-well, is ${largest.rows}×${largest.cols})`);
  for (const { file, n } of items)
    if (!inside(n.row, n.col)) problems.add('error', 'well_outside_format', `${file}: well ${wellName(n.row, n.col)} (row ${n.row + 1}, column ${n.col + 1}) lies outside ${where(n.row, n.col)}`, file);
  for (const w of annotation?.wells ?? [])
    if (!inside(w.row, w.col)) problems.add('error', 'platemap_unknown_well', `${w.at}: well ${wellName(w.row, w.col)} lies outside ${where(w.row, w.col)}`, w.at.replace(/:\d+$/, ''));
  return format;
}

/** Headers (size, bit depth, truncation) of every image, a few in flight at once for the images libvips reads. */
async function probeHeaders(
  items: Array<{ file: string; n: NamedImage }>,
  nameOf: (key: string) => string,
  problems: Problems,
  concurrency: number,
  onProgress?: (p: ImportProgress) => void,
): Promise<PlannedImage[]> {
  const seenSites = new Set<string>();
  let done = 0;
  const planned: Array<PlannedImage | null> = new Array(items.length).fill(null);
  await forEachLimit(items, concurrency, async ({ file, n }, i) => {
    try {
      const h = await probeImage(file);
      // grey stored as RGB (equal bands) is grey; only then are the pixels decoded at import
      if (h.channels >= 3 && h.sampleFormat === 'uint' && (h.bitDepth === 8 || h.bitDepth === 16) && (await greyOfColour(file, h.bitDepth).catch(() => null))) h.channels = 1;
      const why = unsupportedSamples(h);
      if (why) throw new ImageReadError(file, why);
      planned[i] = { path: file, row: n.row, col: n.col, field: n.field, channel: nameOf(n.channelKey), width: h.width, height: h.height, bitDepth: h.bitDepth };
    } catch (e) {
      if (!(e instanceof ImageReadError)) throw e;
      problems.add('error', 'unreadable_image', e.message, file);
    }
    const d = ++done;
    seenSites.add(`${n.row},${n.col},${n.field}`);
    if (onProgress && (d % 200 === 0 || d === items.length)) onProgress({ phase: 'scan', done: d, total: items.length, filesScanned: d, sitesFound: seenSites.size });
    // TIFF headers are read synchronously (fast on local disks); let the event loop breathe.
    if (d % 64 === 0) await new Promise((r) => setImmediate(r));
  });
  return planned.filter((p): p is PlannedImage => p !== null);
}

/** Channels of one site are stacked by the models: they must share a size (a warning names the odd ones). */
function checkSiteSizes(images: PlannedImage[], problems: Problems): void {
  const bySite = new Map<string, PlannedImage[]>();
  for (const img of images) {
    const k = `${img.row},${img.col},${img.field}`;
    const list = bySite.get(k);
    if (list) list.push(img);
    else bySite.set(k, [img]);
  }
  for (const list of bySite.values()) {
    const sizes = new Map<string, number>();
    for (const i of list) sizes.set(`${i.width}×${i.height}`, (sizes.get(`${i.width}×${i.height}`) ?? 0) + 1);
    if (sizes.size < 2) continue;
    const common = [...sizes].sort((a, b) => b[1] - a[1])[0][0];
    const odd = list.filter((i) => `${i.width}×${i.height}` !== common);
    problems.add(
      'warning',
      'size_mismatch',
      `well ${wellName(list[0].row, list[0].col)} site ${list[0].field}: ${odd.map((i) => `${basename(i.path)} is ${i.width}×${i.height}`).join(', ')}; the site's other images are ${common}`,
      odd[0].path,
    );
  }
}

/** A plate's images normally share one bit depth; the odd ones are named (a model's scaling assumes one). */
function checkBitDepths(images: PlannedImage[], problems: Problems): void {
  const byDepth = new Map<number, PlannedImage[]>();
  for (const img of images) {
    const list = byDepth.get(img.bitDepth);
    if (list) list.push(img);
    else byDepth.set(img.bitDepth, [img]);
  }
  if (byDepth.size < 2) return;
  const [common, ...odd] = [...byDepth].sort((a, b) => b[1].length - a[1].length);
  for (const [depth, list] of odd)
    problems.add(
      'warning',
      'bit_depth_mismatch',
      `${list.length} image${list.length === 1 ? ' is' : 's are'} ${depth}-bit while the plate's other ${common[1].length} are ${common[0]}-bit (e.g. ${list[0].path}); intensities are compared on different scales`,
      list[0].path,
    );
}

function detectNaming(files: string[]): Naming {
  let best: Naming | null = null;
  let bestCount = 0;
  for (const nm of BUILTIN_NAMINGS) {
    let count = 0;
    for (const f of files) {
      const base = basename(f);
      try {
        if (nm.ignore?.(base) || nm.parse(base)) count++;
      } catch {
        count++; // it is this naming, with a bad value; reported when parsed
      }
    }
    if (count > bestCount) (best = nm), (bestCount = count);
  }
  if (!best)
    throw new NamingError(
      `no known file naming: names like ${files.slice(0, 3).map((f) => basename(f)).join(', ')} are neither Phenix (r01c01f01p01-ch1sk1fk1fl1.tiff) nor ImageXpress (PLATE_A01_s1_w1.tif); give --pattern with named groups`,
    );
  return best;
}

function normaliseMap(m: Record<string, string>, kind: Naming['kind']): Record<string, string> {
  return parseChannelMap(
    Object.entries(m)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    kind,
  );
}

/** A scan reads at most this many directory entries (a plate of 1536 wells × 9 sites × 8 channels is 110 592). */
export const MAX_FILES = 400_000;
/** Wall-clock budget for turning file names into positions. */
export const PARSE_BUDGET_MS = 10_000;

/**
 * Relative paths of the files under `root`, skipping hidden entries, metadata folders and device
 * files; asynchronous, so a huge folder does not stop the web host answering. A symbolic link to a
 * file inside the plate folder `plateDir` is followed (it is an image of this plate); one pointing
 * elsewhere or nowhere is reported and skipped, never silently dropped.
 */
async function listFiles(root: string, plateDir: string, problems: Problems): Promise<{ files: string[]; truncated: boolean }> {
  const out: string[] = [];
  const realPlate = realpathSync(plateDir);
  let seen = 0;
  let truncated = false;
  const followLink = (r: string) => {
    const link = join(root, r);
    let target: string;
    try {
      target = realpathSync(link);
    } catch {
      problems.add('warning', 'symlink', `${link}: symbolic link to ${readlinkSafe(link)}, which does not exist; skipped`, link);
      return;
    }
    const rt = relative(realPlate, target);
    if (rt.startsWith('..') || isAbsolute(rt)) problems.add('warning', 'symlink', `${link}: symbolic link to ${target}, outside the plate folder ${plateDir}; skipped (copy the image or import its own folder)`, link);
    else if (statSync(target).isFile()) out.push(r);
  };
  // a few folders read at once: one at a time is slow on network shares, all at once floods the pool
  const queue: string[] = [''];
  let busy = 0;
  const worker = async () => {
    while (!truncated) {
      const rel = queue.shift();
      if (rel === undefined) {
        if (busy === 0) return;
        await new Promise((r) => setTimeout(r, 1)); // another worker may still find folders
        continue;
      }
      busy++;
      try {
        for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
          if (++seen > MAX_FILES) {
            truncated = true;
            break;
          }
          if (e.name.startsWith('.')) continue;
          const r = rel ? join(rel, e.name) : e.name;
          if (e.isDirectory()) {
            if (!/^(metadata|groundtruth|thumbs?)$/i.test(e.name)) queue.push(r);
          } else if (e.isFile() && !/\.partial-\d+$/.test(e.name)) out.push(r);
          else if (e.isSymbolicLink() && IMAGE_EXT.test(e.name)) followLink(r);
        }
      } finally {
        busy--;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { files: out.sort(), truncated };
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '?';
  }
}

function loadAnnotation(opts: ImportOptions, dir: string, result: ScanResult, folderName: string, problems: Problems): PlateAnnotation | null {
  const columns: ColumnMapping = opts.columns ?? {};
  const encoding = opts.encoding ?? 'utf8';
  try {
    const metaIsDir = !!opts.metadata && existsSync(opts.metadata) && statSync(opts.metadata).isDirectory();
    for (const [flag, p] of [['--platemap', opts.platemap], ['--metadata', opts.metadata]] as const) {
      if (p && !existsSync(p)) throw new PlatemapError(`${flag} ${p}: file does not exist`);
    }
    if (opts.platemap) {
      if (statSync(opts.platemap).isDirectory()) throw new PlatemapError(`--platemap ${opts.platemap}: is a folder, not a plate-map file`);
      const compoundFile = opts.metadata && !metaIsDir ? opts.metadata : null;
      return readPlatemap(opts.platemap, { compoundFile, columns, encoding });
    }
    const explicitRoot = metaIsDir ? opts.metadata! : null;
    const root = explicitRoot ?? findMetadataRoot(dir);
    if (!root) {
      if (opts.metadata) throw new PlatemapError(`--metadata ${opts.metadata}: a compound table needs --platemap too`);
      return null;
    }
    let barcode = opts.barcode ?? (result.barcode || null);
    if (!barcode) {
      const listed = listJumpBarcodes(root, encoding);
      if (listed.includes(folderName)) barcode = folderName;
    }
    let meta;
    try {
      meta = resolveJumpMetadata(root, barcode, encoding);
    } catch (e) {
      // Found by looking around, not asked for: a plate missing from it is imported unannotated.
      if (explicitRoot || !(e instanceof PlatemapError) || !/no row for barcode|lists \d+ plates/.test(e.message)) throw e;
      problems.add('warning', 'platemap_not_found', `${e.message}; the plate is imported without annotation`);
      return null;
    }
    result.barcode = meta.barcode;
    return readPlatemap(meta.platemapFile, { compoundFile: meta.compoundFile, columns, platemapName: meta.platemapName, encoding });
  } catch (e) {
    if (!(e instanceof PlatemapError)) throw e;
    problems.add('error', 'platemap', e.message);
    return null;
  }
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
