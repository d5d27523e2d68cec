import type { ServerResponse } from 'node:http';

/** Open /api/events streams at once: one per open tab is normal, more is a leak or an attack. */
export const MAX_STREAMS = 16;
/** Unsent bytes a stream may hold before the reader counts as stalled and is dropped. */
export const MAX_BACKLOG = 1024 * 1024;

/** Server-sent events to a bounded set of readers; a reader that stops reading is closed, not buffered. */
export function createEventHub(limits: { maxStreams?: number; maxBacklog?: number } = {}) {
  const maxStreams = limits.maxStreams ?? MAX_STREAMS;
  const maxBacklog = limits.maxBacklog ?? MAX_BACKLOG;
  const streams = new Set<ServerResponse>();
  return {
    get size() {
      return streams.size;
    },
    /** false when the cap is reached (the caller answers 503) */
    open(res: ServerResponse): boolean {
      if (streams.size >= maxStreams) return false;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return true;
    },
    publish(event: unknown): void {
      const line = `data: ${JSON.stringify(event)}\n\n`;
      for (const res of streams) {
        // EventSource reconnects on its own; a stalled one must not grow our memory
        if (res.writableLength > maxBacklog) {
          streams.delete(res);
          res.destroy();
          continue;
        }
        res.write(line);
      }
    },
    closeAll(): void {
      for (const r of streams) r.end();
      streams.clear();
    },
  };
}
