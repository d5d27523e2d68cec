import type { Handlers } from './dispatch';
import { getPlate } from '../catalog/queries';

export const trainingHandlers: Handlers<'train.start'> = {
  'train.start': (params, core) => {
    // an unknown plate is refused now, not inside the job; the job names the plate by its barcode
    const plate = getPlate(core.db, params.plate).plate;
    const job = { ...params, plate: plate.barcode };
    // the same command after a Ctrl-C or a crash resumes that job (its folder holds the checkpoint)
    const stopped = core.jobs.latestStopped('train', job);
    return stopped ? core.jobs.resume(stopped.id) : core.jobs.submit('train', job);
  },
};
