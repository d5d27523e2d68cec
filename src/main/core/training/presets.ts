/**
 * The train job's recipes as train.py arguments. `full` is the bundled models' recipe
 * (training/README.md: 5-level UNet, 96² crops, batch 8; 35 epochs ≈ its 6000 steps over 48
 * sites of 512²). `fast` is a 4-level UNet a quarter as wide on 64² crops, to train in minutes on
 * a 2-core CPU (150 steps of 4 crops, whatever the plate's size): for demonstrations and tests, not
 * for science.
 */
export interface Preset {
  /** how long, unless the job gives epochs: a fixed step count (fast) or passes over the pixels (full) */
  length: { steps: number } | { epochs: number };
  args: string[];
}

export function presetArgs(preset: 'fast' | 'full', model: 'direct' | 'resdiff'): Preset {
  if (preset === 'fast')
    return {
      length: { steps: 150 },
      args: ['--widths', '8,16,32,64', '--crop', '64', '--batch', '4', '--lr', '3e-3', '--tile', '256', ...(model === 'resdiff' ? ['--diffusion-steps', '4'] : [])],
    };
  return {
    length: { epochs: 35 },
    args: model === 'direct' ? ['--crop', '96', '--batch', '8'] : ['--widths', '16,24,48,96,128', '--crop', '96', '--batch', '8', '--lr', '1e-3'],
  };
}
