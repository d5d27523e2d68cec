import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import { parseWellName, PLATE_FORMATS, type PlateFormat } from '../../shared/channels';
import type { ImportOptions, ImportPreview, ImportReport } from '../../shared/contract/catalog';
import { importPlate, ImportFailed, previewImport } from '../core/catalog/importPlate';
import { parseColumnMapping, PlatemapError } from '../core/io/platemap';

const wellOutside = (w: { row: number; col: number }, format: PlateFormat) => w.row >= PLATE_FORMATS[format].rows || w.col >= PLATE_FORMATS[format].cols;
const abs = (p: unknown) => (typeof p === 'string' ? resolve(p) : null);

function importOptions(values: Record<string, unknown>, dir: string): ImportOptions {
  let format: ImportOptions['format'] = null;
  if (values.format !== undefined) {
    format = Number(values.format) as 96 | 384 | 1536;
    if (![96, 384, 1536].includes(format)) throw new UsageError(`--format: "${values.format}" is not 96, 384 or 1536`);
  }
  const encoding = (values.encoding as string | undefined) ?? null;
  if (encoding !== null && encoding !== 'utf8' && encoding !== 'latin1') throw new UsageError(`--encoding: "${encoding}" is not utf8 or latin1`);
  let columns;
  try {
    columns = typeof values.columns === 'string' ? parseColumnMapping(values.columns) : undefined;
  } catch (e) {
    if (e instanceof PlatemapError) throw new UsageError(`--columns: ${e.message}`);
    throw e;
  }
  return {
    dir: resolve(dir),
    platemap: abs(values.platemap),
    metadata: abs(values.metadata),
    barcode: (values.barcode as string | undefined) ?? null,
    pattern: (values.pattern as string | undefined) ?? null,
    channelMap: (values['channel-map'] as string | undefined) ?? null,
    columns,
    cellLine: (values['cell-line'] as string | undefined) ?? null,
    format,
    encoding,
  };
}

function summary(r: ImportPreview, say: (l: string) => void) {
  say(`plate ${r.barcode}: ${r.format}-well, ${r.naming} naming, channels ${r.channels.join(', ')}`);
  say(`  ${r.wells} wells, ${r.sites} sites, ${r.images} images (${r.filesScanned} files read, ${r.ignoredFiles} other files ignored)`);
  if (r.platemap) say(`  plate map ${r.platemap.name ?? r.platemap.file}: ${r.annotatedWells} wells annotated, ${r.compounds} compounds; ${r.unannotatedWells} imaged wells unannotated`);
  else say(`  no plate map: ${r.unannotatedWells} wells unannotated`);
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a plate folder (Phenix, ImageXpress or --pattern) and its plate map into the catalog',
  usage:
    'stainless import DIR... [--platemap F] [--metadata F|DIR] [--barcode B] [--pattern REGEX] [--channel-map ch1=Mito,...]\n' +
    '                 [--columns well=Well,compound=Compound,...] [--cell-line X] [--format 96|384|1536] [--encoding utf8|latin1] [--dry-run]\n' +
    '  JUMP metadata (barcode_platemap.csv, platemap/, external_metadata/) is found in DIR/metadata or DIR/../metadata.\n' +
    '  Several folders: each is one plate, imported in its own transaction.',
  options: {
    platemap: { type: 'string' },
    metadata: { type: 'string' },
    barcode: { type: 'string' },
    pattern: { type: 'string' },
    'channel-map': { type: 'string' },
    columns: { type: 'string' },
    'cell-line': { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  async run({ values, positionals }, ctx) {
    if (!positionals.length) throw new UsageError('import needs a plate folder; see `stainless help import`');
    if (positionals.length > 1 && (values.barcode || values.platemap))
      throw new UsageError('--barcode and --platemap name one plate: give one folder with them (several folders take their metadata from each folder)');
    const progress = (p: { phase: string; done: number; total: number; sitesFound: number }) =>
      ctx.note(p.phase === 'scan' ? `scanned ${p.done}/${p.total} files, ${p.sitesFound} sites` : `writing ${p.done}/${p.total} images`);
    // Several folders: one plate and one transaction each; a refused plate does not stop the others.
    const out: Array<ImportPreview | ImportReport> = [];
    const failed: string[] = [];
    for (const dir of positionals) {
      const opts = importOptions(values, dir);
      if (positionals.length > 1) ctx.note(`— ${opts.dir}`);
      try {
        if (values['dry-run']) {
          // a dry run that finds errors fails like the import would (nothing is written either way)
          const preview = await previewImport(opts, progress);
          if (!preview.ok) throw new ImportFailed(preview);
          for (const p of preview.problems) ctx.note(`${p.severity}: ${p.message}`);
          summary(preview, ctx.say);
          ctx.say('  dry run: nothing was written');
          out.push(preview);
          continue;
        }
        const report = await importPlate(ctx.core().db, opts, progress);
        for (const p of report.problems) ctx.note(`${p.severity}: ${p.message}`);
        summary(report, ctx.say);
        ctx.say(`  imported as plate ${report.plateId}: added ${report.inserted.wells} wells, ${report.inserted.sites} sites, ${report.inserted.images} images in ${report.seconds.toFixed(2)} s`);
        if (report.truthSites) ctx.say(`  ground-truth labels (groundtruth/) registered for ${report.truthSites} sites`);
        out.push(report);
      } catch (e) {
        if (!(e instanceof ImportFailed)) throw e;
        for (const p of e.report.problems.filter((x) => x.severity === 'warning')) ctx.note(`warning: ${p.message}`);
        if (positionals.length === 1) {
          if (ctx.json) process.stdout.write(JSON.stringify(e.report, null, 2) + '\n');
          throw e;
        }
        ctx.note(e.message);
        failed.push(opts.dir);
        out.push(e.report);
      }
    }
    if (failed.length) {
      if (ctx.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      throw new Error(`${failed.length} of ${positionals.length} plates refused (nothing written for them): ${failed.join(', ')}`);
    }
    return positionals.length === 1 ? out[0] : out;
  },
};

export const platesCommand: Command = {
  name: 'plates',
  summary: 'List the plates in the catalog',
  usage: 'stainless plates [--json]',
  async run(_a, ctx) {
    const plates = await ctx.call('plates.list', {});
    if (!plates.length) ctx.say('no plates in the catalog (stainless import DIR)');
    for (const p of plates)
      ctx.say(`${String(p.id).padStart(4)}  ${p.barcode}  ${p.format}-well  ${p.wells} wells, ${p.sites} sites, ${p.images} images, ${p.annotatedWells} annotated${p.cellLine ? `  ${p.cellLine}` : ''}`);
    return plates;
  },
};

export const wellsCommand: Command = {
  name: 'wells',
  summary: 'List the wells of a plate with their annotation',
  usage: 'stainless wells --plate BARCODE|ID [--well A01] [--json]',
  options: { plate: { type: 'string' }, well: { type: 'string' } },
  async run({ values }, ctx) {
    if (typeof values.plate !== 'string') throw new UsageError('wells needs --plate BARCODE (see `stainless plates`)');
    let wells = await ctx.call('wells.list', { plate: values.plate });
    if (typeof values.well === 'string') {
      const w = parseWellName(values.well);
      if (!w) throw new UsageError(`--well: "${values.well}" is not a well name`);
      wells = wells.filter((x) => x.row === w.row && x.col === w.col);
      // an empty selection is an error, not an empty answer
      if (!wells.length) {
        const { plate } = await ctx.call('plates.get', { plate: values.plate });
        throw new Error(`plate ${plate.barcode} (${plate.format}-well) has no well ${values.well}${wellOutside(w, plate.format) ? ': it lies outside the plate' : ' in the catalog'}`);
      }
    }
    for (const w of wells) {
      const what = w.annotated ? `${w.compound ?? w.broadSample ?? '?'}${w.concentration !== null ? ` ${w.concentration} ${w.concentrationUnit ?? ''}`.trimEnd() : ''}  ${w.controlType ?? ''}  ${w.moa ?? ''}` : 'unannotated';
      ctx.say(`${w.name}  ${w.sites} sites  ${what}`.trimEnd());
    }
    return wells;
  },
};
