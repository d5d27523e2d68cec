import { resolve } from 'node:path';
import { LOADDATA_CHANNELS, LoadDataError, readLoadData } from '../io/loaddata';
import type { NamedImage, Naming } from '../io/naming';
import type { Problems } from './problems';

/** LoadData rows as the folder scan's items: channel keys are the names after `Orig`. */
export const loadDataNaming: Naming = {
  kind: 'loaddata',
  parse: () => null, // positions come from Metadata_* columns, not file names
  defaultChannels: LOADDATA_CHANNELS,
};

export interface LoadDataItems {
  items: Array<{ file: string; n: NamedImage }>;
  /** Metadata_* values constant over a well's rows, by "row,col" */
  wellMetadata: Map<string, Record<string, string>>;
  /** the remaining Metadata_* values of a site, by "row,col,field" */
  siteMetadata: Map<string, Record<string, string>>;
}

/**
 * Read a LoadData CSV into import items (streamed: only the planned images are kept). A bad row is
 * an error naming the file and line, and the scan stops there.
 */
export async function scanLoadData(csv: string, problems: Problems): Promise<LoadDataItems | null> {
  const file = resolve(csv);
  const items: LoadDataItems['items'] = [];
  const bySite = new Map<string, Record<string, string>>();
  let rows = 0;
  try {
    for await (const s of readLoadData(file, (l) => {
      if (l.ignored.length)
        problems.add('warning', 'loaddata', `${file}: columns ${l.ignored.join(', ')} are not acquired (Orig) images; not imported`, file);
    })) {
      rows++;
      for (const img of s.images) items.push({ file: img.path, n: { row: s.row, col: s.col, field: s.field, channelKey: img.key, ...(s.plate ? { plate: s.plate } : {}) } });
      const k = `${s.row},${s.col},${s.field}`;
      bySite.set(k, { ...bySite.get(k), ...s.metadata });
      // let other requests in now and then on a big file
      if (rows % 2048 === 0) await new Promise((r) => setImmediate(r));
    }
  } catch (e) {
    if (!(e instanceof LoadDataError)) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
        problems.add('error', 'loaddata', `${file}: cannot read the LoadData CSV (${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : 'permission denied'})`, file);
        return null;
      }
      throw e;
    }
    problems.add('error', 'loaddata', e.message, file);
    return null;
  }
  if (!items.length) {
    problems.add('error', 'loaddata', `${file}: no image rows (${rows} rows, none names a FileName_Orig<Channel> file)`, file);
    return null;
  }
  return { items, ...splitMetadata(bySite) };
}

/** A value shared by every site of a well is the well's; the rest stay with their site. */
function splitMetadata(bySite: Map<string, Record<string, string>>): Pick<LoadDataItems, 'wellMetadata' | 'siteMetadata'> {
  const wells = new Map<string, Array<[string, Record<string, string>]>>();
  for (const [k, m] of bySite) {
    const w = k.split(',').slice(0, 2).join(',');
    const list = wells.get(w) ?? [];
    wells.set(w, list);
    list.push([k, m]);
  }
  const wellMetadata = new Map<string, Record<string, string>>();
  const siteMetadata = new Map<string, Record<string, string>>();
  for (const [w, sites] of wells) {
    const shared: Record<string, string> = {};
    for (const [name, v] of Object.entries(sites[0][1])) if (sites.every(([, m]) => m[name] === v)) shared[name] = v;
    if (Object.keys(shared).length) wellMetadata.set(w, shared);
    for (const [k, m] of sites) {
      const own = Object.fromEntries(Object.entries(m).filter(([name]) => !(name in shared)));
      if (Object.keys(own).length) siteMetadata.set(k, own);
    }
  }
  return { wellMetadata, siteMetadata };
}
