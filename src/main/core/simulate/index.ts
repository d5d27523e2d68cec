/**
 * Demo plates: a Cell Painting plate simulator with ground truth, written exactly like a real
 * Phenix/Harmony acquisition with JUMP-style metadata.
 */
export { simulatePlate, defaultBarcode, SimulateError, type SimulateOptions, type SimulateResult } from './plate';
export { simulateSite, SITE_CHANNELS, type SiteOptions, type SiteImages, type SiteChannel } from './site';
export { COMPOUNDS, MOA_GROUPS, DOSES_MM, POSITIVE_CONTROL, MOST_TOXIC, phenotypeAt, type Compound, type MoaGroup, type Phenotype } from './library';
export { CELL_LINES, CELL_LINE_PARAMS, type CellLine } from './cellLines';
export { plateLayout, platemapName, isEdge, POSCON_SAMPLE, POSCON_DOSE_MM, type WellPlan } from './layout';
export { imageFileName, labelFileName, channelNumber } from './naming';
export { writeCompositePng, siteComposite } from './composite';
