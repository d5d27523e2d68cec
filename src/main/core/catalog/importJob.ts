import type { Core } from '../core';
import type { ImportOptions, ImportReport } from '../../../shared/contract/catalog';
import { importPlate } from './importPlate';

/** Job kind 'import': one plate folder; progress is files scanned, then images written. */
export function registerImportJob(core: Core): void {
  core.jobs.register<ImportOptions, ImportReport>('import', {
    title: (p) => `Import ${p.barcode ?? p.dir}`,
    unit: 'files',
    async run(ctx) {
      const report = await importPlate(core.db, ctx.params, (p) =>
        ctx.progress(
          p.done,
          p.total,
          p.phase === 'scan' ? `${p.filesScanned} files scanned, ${p.sitesFound} sites found` : `writing: ${p.done} of ${p.total} images`,
        ),
      );
      core.events.emit({ type: 'catalog', what: 'plates', plateId: report.plateId });
      return report;
    },
  });
}
