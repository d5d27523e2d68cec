import type { Handlers } from './dispatch';
import { getPlate } from '../catalog/queries';

export const trainingHandlers: Handlers<'train.start'> = {
  'train.start': (params, core) => {
    // an unknown plate is refused now, not inside the job; the job names the plate by its barcode
    const plate = getPlate(core.db, params.plate).plate;
    return core.jobs.submit('train', { ...params, plate: plate.barcode });
  },
};
