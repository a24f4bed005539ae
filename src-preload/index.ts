import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../src-shared/channels';

// The whole surface the page gets: invoke a contract method, listen to pushes. No raw ipcRenderer.
const api = {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input),
  on: (listener: (name: string, payload: unknown) => void): (() => void) => {
    const wrapped = (_e: unknown, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('waybill', api);

export type PreloadApi = typeof api;
