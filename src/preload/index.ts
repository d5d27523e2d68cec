// Exposes the typed contract as window.api — and nothing else — to the sandboxed renderer.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiClient, ApiEvent } from '../shared/contract';

const api: ApiClient = {
  transport: 'ipc',
  imageBase: 'stainless://img/',
  async call(name, input) {
    const r = (await ipcRenderer.invoke('api', name, input)) as { result?: unknown; error?: { code: string; message: string } };
    if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result as never;
  },
  onEvent(listener) {
    const wrapped = (_e: unknown, ev: ApiEvent) => listener(ev);
    ipcRenderer.on('api-event', wrapped);
    return () => ipcRenderer.removeListener('api-event', wrapped);
  },
};

contextBridge.exposeInMainWorld('api', api);
