import { z } from 'zod';
import { request, Empty } from './define';

// ---- files: the renderer's only way to name a file or folder ----------------------------------
//
// The renderer never sends a path that reaches the file system. The main side hands out opaque
// handles: from a native dialog (Electron: files.pick), or from a browser limited to the roots the
// web host was started with (files.roots → files.list → files.child). Requests that read or write
// files (import.*, models.add, export.start) take these handles.

/** An opaque handle minted by the main side ("h:" + random). */
export const Handle = z.string().regex(/^h:[A-Za-z0-9_-]{16,64}$/, 'must be a handle from Browse… (files.pick / files.child)');

/**
 * Where a request names a file: a handle from the UI, or — only for the in-process CLI, whose user
 * typed it — an absolute path. Transports that carry the renderer's requests refuse paths.
 */
export const FileRef = z.string().min(1).max(4096);

export type FileKind = 'dir' | 'file' | 'save';

export interface FileChoice {
  handle: string;
  /** for display only: sending it back is refused */
  path: string;
  kind: FileKind;
}

export interface FileEntry {
  name: string;
  kind: 'dir' | 'file';
  size: number;
}

export interface FileListing {
  dir: FileChoice;
  /** null at a root */
  parent: FileChoice | null;
  entries: FileEntry[];
  /** more entries than were listed */
  truncated: boolean;
}

export interface FileRoots {
  /** the folders the web host's browser may show (empty in Electron, which uses native dialogs) */
  roots: FileChoice[];
  /** native open/save dialogs are available (files.pick) */
  dialogs: boolean;
}

const Name = z
  .string()
  .min(1)
  .max(4096)
  .refine((n) => !n.includes('\0'), 'must not contain NUL');

export const filesContract = {
  'files.roots': request(Empty, 'The folders the UI may browse, and whether native dialogs exist').returns<FileRoots>(),
  'files.list': request(z.object({ dir: Handle }).strict(), 'List a browsable folder: sub-folders and regular files, no symlinks out of the roots, no devices').returns<FileListing>(),
  'files.child': request(
    z
      .object({
        dir: Handle,
        /** a name, or names joined by "/", inside dir ("." and ".." refused) */
        name: Name,
        /** a file to write (an export target): it need not exist yet */
        save: z.boolean().default(false),
      })
      .strict(),
    'A handle for a file or folder inside a browsable folder',
  ).returns<FileChoice>(),
  'files.pick': request(
    z
      .object({
        kind: z.enum(['dir', 'file', 'save']),
        title: z.string().max(200).optional(),
        /** file-name extensions offered, without dots */
        extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/)).max(10).optional(),
        defaultName: z.string().max(255).optional(),
      })
      .strict(),
    'A native open/save dialog (Electron); null when cancelled',
  ).returns<FileChoice | null>(),
};
