import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../io/output';
import { npyBytes } from '../io/npy';
import { readGray } from '../io/tiff';
import { IllumAccumulator, JUMP_ILLUM } from './calculate';

/** One plate+channel's CorrectIlluminationCalculate: its images in plate order, the .npy to write. */
export interface ChannelTask {
  label: string;
  files: string[];
  out: string;
}

export interface ChannelResult {
  width: number;
  height: number;
  nImages: number;
  sha256: string;
}

/** The same on a worker thread or in-process; progress is the count of images summed so far. */
export async function computeChannel(task: ChannelTask, hooks: { progress?(done: number): void; signal?: AbortSignal } = {}): Promise<ChannelResult> {
  const acc = new IllumAccumulator(JUMP_ILLUM);
  for (let i = 0; i < task.files.length; i++) {
    if (hooks.signal?.aborted) throw new Error('cancelled');
    acc.add(await readGray(task.files[i]), task.files[i]);
    hooks.progress?.(i + 1);
  }
  let fn;
  try {
    fn = acc.finish();
  } catch (e) {
    throw new Error(`${task.label}: ${(e as Error).message}`);
  }
  if (!fn) throw new Error(`${task.label}: no images`);
  const bytes = npyBytes({ height: fn.height, width: fn.width, data: fn.data });
  await writeFileAtomic(task.out, bytes);
  return { width: fn.width, height: fn.height, nImages: task.files.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
