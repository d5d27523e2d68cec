import type { Handlers } from './dispatch';
import { getPlate } from '../catalog/queries';

export const trainingHandlers: Handlers<'train.start'> = {
  'train.start': (params, core) => {
    getPlate(core.db, params.plate); // an unknown plate is refused now, not inside the job
    return core.jobs.submit('train', params);
  },
};
