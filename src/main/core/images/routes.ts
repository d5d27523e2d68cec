import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Core } from '../core';
import { readGray } from '../io/tiff';
import { CHANNEL_COLOURS, PAINT_CHANNELS, BF_CHANNELS } from '../../../shared/channels';
import { registerImageRoute } from './registry';
import { composite, downsample, hexToRgb, percentiles, rawBytes, type ChannelLayer } from './pixels';

/**
 * Image routes (ids only, never paths):
 *   image/<imageId>[?level=N]              raw little-endian pixels, headers x-width/x-height/x-bit-depth
 *   label/<segmentationId>/<nuclei|cells>  raw uint16 labels, same headers
 *   thumb/<siteId>[?channels=DNA,ER&size=256&run=<runId>]   PNG composite (acquired unless run)
 *   well-thumb/<wellId>[?...same]          the thumbnail of the well's first site
 *   segmentations/<siteId>                 JSON list of the site's segmentations (ids for label/…),
 *                                          until the features contract lists them
 */
class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

const text = (status: number, message: string) => new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

function guard(route: (core: Core, parts: string[], url: URL) => Promise<Response>) {
  return async (core: Core, parts: string[], url: URL) => {
    try {
      return await route(core, parts, url);
    } catch (e) {
      if (e instanceof HttpError) return text(e.status, e.message);
      throw e;
    }
  };
}

/** Decimal digits only: Number() would also read "0x10", "1e3" or " 7" as ids. */
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;
const NEG_DECIMAL = /^-?(0|[1-9][0-9]{0,14})$/;

function idArg(parts: string[], what: string): number {
  const id = DECIMAL.test(parts[0] ?? '') ? Number(parts[0]) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(400, `${what} id must be a positive integer, got "${parts[0] ?? ''}"`);
  return id;
}

function intParam(url: URL, name: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw == null) return def;
  const v = NEG_DECIMAL.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new HttpError(400, `${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return v;
}

function rawResponse(bytes: Buffer, width: number, height: number, bitDepth: number, extra: Record<string, string> = {}): Response {
  return new Response(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    headers: {
      'content-type': 'application/octet-stream',
      'x-width': String(width),
      'x-height': String(height),
      'x-bit-depth': String(bitDepth),
      'access-control-expose-headers': 'x-width, x-height, x-bit-depth, x-channel, x-kind',
      'cache-control': 'private, max-age=300',
      ...extra,
    },
  });
}

interface ImageRow {
  id: number;
  site_id: number;
  channel: string;
  kind: 'acquired' | 'synthetic';
  path: string;
  run_id: number | null;
}

registerImageRoute(
  'image',
  guard(async (core, parts, url) => {
    const id = idArg(parts, 'image');
    const row = core.db.prepare('SELECT id, site_id, channel, kind, path, run_id FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    if (!row) throw new HttpError(404, `no image ${id} in the catalog`);
    const level = intParam(url, 'level', 0, 0, 6);
    const img = downsample(await readGray(row.path), level);
    return rawResponse(rawBytes(img), img.width, img.height, img.bitDepth, { 'x-channel': row.channel, 'x-kind': row.kind });
  }),
);

registerImageRoute(
  'label',
  guard(async (core, parts) => {
    const id = idArg(parts, 'segmentation');
    const which = parts[1];
    if (which !== 'nuclei' && which !== 'cells') throw new HttpError(400, `label/<id>/<nuclei|cells>: got "${which ?? ''}"`);
    const row = core.db.prepare('SELECT nuclei_path, cells_path FROM segmentations WHERE id = ?').get(id) as
      | { nuclei_path: string; cells_path: string }
      | undefined;
    if (!row) throw new HttpError(404, `no segmentation ${id} in the catalog`);
    const img = await readGray(which === 'nuclei' ? row.nuclei_path : row.cells_path);
    if (img.bitDepth !== 16) {
      const wide = new Uint16Array(img.data);
      return rawResponse(rawBytes({ ...img, bitDepth: 16, data: wide }), img.width, img.height, 16);
    }
    return rawResponse(rawBytes(img), img.width, img.height, 16);
  }),
);

registerImageRoute(
  'segmentations',
  guard(async (core, parts) => {
    const siteId = idArg(parts, 'site');
    const rows = core.db
      .prepare(
        `SELECT s.id, s.source, s.method, s.run_id AS runId, r.model_name AS model, s.n_nuclei AS nuclei, s.n_cells AS cells
         FROM segmentations s LEFT JOIN runs r ON r.id = s.run_id WHERE s.site_id = ? ORDER BY s.id`,
      )
      .all(siteId);
    return new Response(JSON.stringify(rows), { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  }),
);

registerImageRoute(
  'thumb',
  guard(async (core, parts, url) => thumbnail(core, idArg(parts, 'site'), url)),
);

registerImageRoute(
  'well-thumb',
  guard(async (core, parts, url) => {
    const wellId = idArg(parts, 'well');
    const site = core.db.prepare('SELECT id FROM sites WHERE well_id = ? ORDER BY field LIMIT 1').get(wellId) as { id: number } | undefined;
    if (!site) throw new HttpError(404, `well ${wellId} has no sites`);
    return thumbnail(core, site.id, url);
  }),
);

/** Default thumbnail channels: the Cell Painting ones present, else the focus brightfield plane. */
function defaultChannels(available: string[]): string[] {
  const paint = PAINT_CHANNELS.filter((c) => available.includes(c));
  if (paint.length) return paint;
  const bf = BF_CHANNELS.find((c) => c === 'BF' && available.includes(c)) ?? BF_CHANNELS.find((c) => available.includes(c));
  return bf ? [bf] : available.slice(0, 1);
}

async function thumbnail(core: Core, siteId: number, url: URL): Promise<Response> {
  const size = intParam(url, 'size', 256, 16, 1024);
  const runRaw = url.searchParams.get('run');
  const run = runRaw == null ? null : intParam(url, 'run', 0, 1, Number.MAX_SAFE_INTEGER);
  const rows = (
    run == null
      ? core.db.prepare("SELECT id, site_id, channel, kind, path, run_id FROM images WHERE site_id = ? AND kind = 'acquired'").all(siteId)
      : core.db.prepare("SELECT id, site_id, channel, kind, path, run_id FROM images WHERE site_id = ? AND kind = 'synthetic' AND run_id = ?").all(siteId, run)
  ) as ImageRow[];
  if (!rows.length) throw new HttpError(404, `site ${siteId} has no ${run == null ? 'acquired' : `synthetic (run ${run})`} images`);
  const byChannel = new Map(rows.map((r) => [r.channel, r]));
  const asked = url.searchParams.get('channels');
  const channels = asked ? asked.split(',').map((c) => c.trim()).filter(Boolean) : defaultChannels([...byChannel.keys()]);
  for (const c of channels) if (!byChannel.has(c)) throw new HttpError(404, `site ${siteId} has no ${run == null ? 'acquired' : 'synthetic'} channel "${c}" (has ${[...byChannel.keys()].join(', ')})`);
  const chosen = channels.map((c) => byChannel.get(c)!);

  // Cache key: the images (id + file size + mtime) and the rendering parameters.
  const h = createHash('sha1');
  for (const r of chosen) {
    const st = await stat(r.path).catch(() => null);
    if (!st) throw new HttpError(404, `image file of ${r.channel} (image ${r.id}) is missing`);
    h.update(`${r.id}:${st.size}:${st.mtimeMs};`);
  }
  h.update(`size=${size}`);
  const file = join(core.paths.thumbnails, `site${siteId}-${run ?? 'acq'}-${h.digest('hex').slice(0, 16)}.png`);
  const cached = await readFile(file).catch(() => null);
  if (cached) return png(cached);

  const layers: ChannelLayer[] = [];
  for (const r of chosen) {
    const img = await readGray(r.path);
    const [lo, hi] = percentiles(img, 0.5, 99.5);
    const colour = hexToRgb(channels.length === 1 ? '#ffffff' : (CHANNEL_COLOURS[r.channel] ?? '#ffffff'));
    layers.push({ img, colour, lo, hi });
  }
  const c = composite(layers, size);
  const bytes = await sharp(Buffer.from(c.rgb.buffer, c.rgb.byteOffset, c.rgb.byteLength), { raw: { width: c.width, height: c.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  await mkdir(core.paths.thumbnails, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
  return png(bytes);
}

function png(bytes: Buffer): Response {
  return new Response(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=300' },
  });
}
