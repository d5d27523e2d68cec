import type { Core } from '../core';
import { importPlate } from './importPlate';

/** Job kind 'import': one plate folder; progress is files scanned, then images written. */
export function registerImportJob(core: Core): void {
  core.jobs.register('import', {
    title: (p) => `Import ${p.barcode ?? p.dir}`,
    unit: 'files',
    emits: (report) => ({ what: 'plates', plateId: report.plateId }),
    async run(ctx) {
      const report = await importPlate(core.db, ctx.params, (p) =>
        ctx.progress(
          p.done,
          p.total,
          p.phase === 'scan' ? `${p.filesScanned} files scanned, ${p.sitesFound} sites found` : `writing: ${p.done} of ${p.total} images`,
        ),
      );
      return report;
    },
  });
}
