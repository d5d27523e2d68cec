import { z } from 'zod';
import { request, Empty } from './define';

export interface ProviderInfo {
  /** provider Stainless will use for new runs */
  active: 'cuda' | 'cpu';
  /** execution providers onnxruntime-node offers in this build */
  available: string[];
  /** why the active provider was chosen (e.g. "CUDA provider library not installed") */
  reason: string;
}

export interface AppInfo {
  name: string;
  version: string;
  node: string;
  electron: string | null;
  onnxruntime: string;
  transport: 'ipc' | 'http' | 'inprocess';
  workspace: string;
  catalogVersion: number;
  providers: ProviderInfo;
}

export const appContract = {
  'app.info': request(Empty, 'Versions, workspace and execution providers').returns<AppInfo>(),
  'app.ping': request(z.object({ echo: z.string().max(200) }).strict(), 'Round trip check').returns<{
    echo: string;
    at: string;
  }>(),
};
