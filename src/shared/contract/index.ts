import { appContract } from './app';
import { jobsContract } from './jobs';
import { catalogContract } from './catalog';
import { inferenceContract } from './inference';
import { metricsContract } from './metrics';
import { featuresContract } from './features';
import { demoContract } from './demo';
import { filesContract } from './files';
import { trainingContract } from './training';
import { profilesContract } from './profiles';
import { campaignContract } from './campaign';
import type { InputOf, OutputOf } from './define';

/**
 * The whole API the UI can use. One record, three transports (Electron IPC, HTTP web host,
 * in-process for the CLI). Each area keeps its requests in its own file; add the area here.
 */
export const contract = {
  ...appContract,
  ...jobsContract,
  ...catalogContract,
  ...inferenceContract,
  ...metricsContract,
  ...featuresContract,
  ...demoContract,
  ...filesContract,
  ...trainingContract,
  ...profilesContract,
  ...campaignContract,
};

export type Contract = typeof contract;
export type RequestName = keyof Contract;
export type Input<N extends RequestName> = InputOf<Contract[N]>;
export type Output<N extends RequestName> = OutputOf<Contract[N]>;

export const isRequestName = (s: string): s is RequestName => Object.prototype.hasOwnProperty.call(contract, s);

export type { ApiEvent } from './events';

/** What window.api (preload) and the HTTP client both provide to the renderer. */
export interface ApiClient {
  call<N extends RequestName>(name: N, input: Input<N>): Promise<Output<N>>;
  onEvent(listener: (e: import('./events').ApiEvent) => void): () => void;
  /** base URL of the image request handler: 'stainless://img/' or '/img/' */
  imageBase: string;
  transport: 'ipc' | 'http';
}

/** Error shape every transport returns for a failed request. */
export interface ApiErrorBody {
  error: { code: 'bad_request' | 'not_found' | 'failed' | 'unauthorized' | 'forbidden'; message: string };
}
