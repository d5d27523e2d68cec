import { campaignHandlers } from './campaign';
import type { Handlers } from './dispatch';
import type { RequestName } from '../../../shared/contract';
import { appHandlers } from './app';
import { jobsHandlers } from './jobs';
import { catalogHandlers } from './catalog';
import { inferenceHandlers } from './inference';
import { metricsHandlers } from './metrics';
import { featuresHandlers } from './features';
import { demoHandlers } from './demo';
import { filesHandlers } from './files';
import { trainingHandlers } from './training';
import { profilesHandlers } from './profiles';

/** Every request's handler. The `satisfies` makes a request without a handler a type error. */
export const handlers = {
  ...appHandlers,
  ...jobsHandlers,
  ...catalogHandlers,
  ...inferenceHandlers,
  ...metricsHandlers,
  ...featuresHandlers,
  ...demoHandlers,
  ...filesHandlers,
  ...trainingHandlers,
  ...profilesHandlers,
  ...campaignHandlers,
} satisfies Handlers<RequestName>;

export { dispatch, ApiError } from './dispatch';
