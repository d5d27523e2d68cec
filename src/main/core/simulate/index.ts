/**
 * Demo plates: a Cell Painting plate simulator with ground truth, written exactly like a real
 * Phenix/Harmony acquisition with JUMP-style metadata.
 */
export { simulatePlate, defaultBarcode, SimulateError } from './plate';
export { simulateSite, SITE_CHANNELS, type SiteOptions, type SiteImages, type SiteChannel } from './site';
export { COMPOUNDS, DOSES_MM, MOST_TOXIC } from './library';
export { CELL_LINES, type CellLine } from './cellLines';
export { plateLayout, isEdge, POSCON_SAMPLE } from './layout';
export { imageFileName, labelFileName } from './naming';
export { writeCompositePng } from './composite';
