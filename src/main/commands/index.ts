import type { Command } from './types';
import { metricsCommand } from './metrics';
import { versionCommand } from './version';
import { serveCommand } from './serve';
import { importCommand, platesCommand, wellsCommand } from './catalog';
import { modelsCommand } from './models';
import { inferCommand, runsCommand } from './infer';
import { predictCommand } from './predict';
import { demoCommand } from './demo';
import { illumCommand, segmentCommand } from './segment';
import { measureCommand } from './measure';
import { exportCommand } from './export';
import { profileCommand } from './profile';
import { mergeCommand, planCommand, slurmCommand, workCommand } from './campaign';
import { trainCommand } from './train';

/** Every CLI command; `stainless help` lists them in this order. */
export const commands: Command[] = [serveCommand, versionCommand, importCommand, platesCommand, wellsCommand, modelsCommand, inferCommand, runsCommand, trainCommand, predictCommand, metricsCommand, demoCommand, segmentCommand, illumCommand, measureCommand, exportCommand, profileCommand, planCommand, workCommand, mergeCommand, slurmCommand];
