import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { FileAccessError } from '../files/broker';
import type { Core } from '../core';
import type { FileKind } from '../../../shared/contract/files';

/** FileAccessError → bad_request (the message names the file and the problem). */
async function guarded<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof FileAccessError) throw new ApiError('bad_request', e.message);
    throw e;
  }
}

/** The path behind a request's file reference, or a bad_request naming the field. */
export function resolveRef(core: Core, ref: string, want: FileKind | 'any', label: string): string {
  try {
    return core.files.resolve(ref, want, label);
  } catch (e) {
    if (e instanceof FileAccessError) throw new ApiError('bad_request', e.message);
    throw e;
  }
}

export const filesHandlers: Handlers<'files.roots' | 'files.list' | 'files.child' | 'files.pick'> = {
  'files.roots': (_i, core) => ({ roots: core.files.rootChoices(), dialogs: core.files.picker !== null }),
  'files.list': ({ dir }, core) => guarded(() => core.files.list(dir)),
  'files.child': ({ dir, name, save }, core) => guarded(() => core.files.child(dir, name, save)),
  'files.pick': async (o, core) => {
    const picker = core.files.picker;
    if (!picker) throw new ApiError('bad_request', 'no native dialogs here: browse with files.roots / files.list');
    const path = await picker(o);
    return path === null ? null : core.files.mint(path, o.kind);
  },
};
