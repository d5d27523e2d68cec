import { Box, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { GlRenderer } from './gl';
import type { LayerSet, OverlayView, RawImage, ViewTransform } from './types';

declare global {
  interface Window {
    /** draw times (ms) of the viewers, for the UI benchmark */
    __stainlessFrames?: number[];
    /** set by the benchmark: wait for the GPU after each draw so the time includes rendering */
    __stainlessSyncFrames?: boolean;
  }
}

export interface ViewerProps {
  set: LayerSet | null;
  /** swipe comparison: `other` is drawn right of the line at `at` (0..1 of the width) */
  swipe?: { other: LayerSet; at: number; onMove(at: number): void } | null;
  overlay: OverlayView | null;
  view: ViewTransform | null;
  onView(v: ViewTransform): void;
  hover: number;
  /** pointer position in image pixels (null when it leaves) */
  onPointer?(p: { x: number; y: number } | null): void;
  height: number | string;
  testId?: string;
}

export function fitView(img: { width: number; height: number }, w: number, h: number): ViewTransform {
  const scale = Math.min(w / img.width, h / img.height);
  return { scale, x: (w - img.width * scale) / 2, y: (h - img.height * scale) / 2 };
}

/**
 * One WebGL2 canvas: wheel zooms about the pointer, drag pans, double-click fits. Draws happen
 * once per animation frame whatever the number of input events.
 */
export function Viewer(p: ViewerProps) {
  const { ref: box, width, height } = useElementSize();
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<GlRenderer | null>(null);
  const [glError, setGlError] = useState<string | null>(null);
  const frame = useRef<number | null>(null);
  const latest = useRef(p);
  latest.current = p;
  const drag = useRef<{ x: number; y: number; view: ViewTransform; swipe: boolean } | null>(null);
  const moving = useRef(false);
  const settle = useRef<number | null>(null);
  /** marks a zoom/pan in progress; 150 ms after the last one, redraw at full resolution */
  const motion = () => {
    moving.current = true;
    if (settle.current != null) clearTimeout(settle.current);
    settle.current = window.setTimeout(() => {
      moving.current = false;
      settle.current = null;
      request();
    }, 150);
  };
  const first = p.set?.channels[0]?.image ?? null;

  useEffect(() => {
    if (!canvas.current) return;
    try {
      renderer.current = new GlRenderer(canvas.current);
    } catch (e) {
      setGlError((e as Error).message);
    }
    return () => {
      renderer.current?.dispose();
      renderer.current = null;
    };
  }, []);

  // Fit when the image size or the box changes and there is no view yet.
  useEffect(() => {
    if (first && width > 0 && height > 0 && !p.view) p.onView(fitView(first, width, height));
  }, [first?.width, first?.height, width, height, p.view == null]);

  const request = () => {
    if (frame.current != null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const r = renderer.current;
      const q = latest.current;
      const c = canvas.current;
      if (!r || !c || !q.set || !q.view || !q.set.channels.length) return;
      // While the user zooms or pans, draw at half resolution (4× fewer fragments) so software or
      // weak GPUs keep up; the full-resolution frame follows when the motion stops.
      const dpr = (window.devicePixelRatio || 1) * (moving.current ? 0.5 : 1);
      const w = Math.round(c.clientWidth * dpr);
      const h = Math.round(c.clientHeight * dpr);
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
      const t0 = performance.now();
      if (q.swipe && q.swipe.other.channels.length) {
        r.draw(q.set, q.overlay, q.view, q.hover, { from: 0, to: q.swipe.at });
        r.draw(q.swipe.other, q.overlay, q.view, q.hover, { from: q.swipe.at, to: 1 });
      } else r.draw(q.set, q.overlay, q.view, q.hover);
      if (window.__stainlessSyncFrames) r.finish();
      const frames = (window.__stainlessFrames ??= []);
      frames.push(performance.now() - t0);
      if (frames.length > 2000) frames.splice(0, 1000);
    });
  };

  useEffect(request, [p.set, p.swipe?.other, p.swipe?.at, p.overlay, p.view, p.hover, width, height]);

  // Free textures of images that are no longer shown.
  useEffect(() => {
    const keep = new Set<RawImage>();
    for (const c of p.set?.channels ?? []) keep.add(c.image);
    for (const c of p.swipe?.other.channels ?? []) keep.add(c.image);
    if (p.overlay?.nuclei) keep.add(p.overlay.nuclei);
    if (p.overlay?.cells) keep.add(p.overlay.cells);
    renderer.current?.retain(keep);
  }, [p.set, p.swipe?.other, p.overlay]);

  const toImage = (e: { clientX: number; clientY: number }) => {
    const rect = canvas.current!.getBoundingClientRect();
    const v = latest.current.view!;
    return { sx: e.clientX - rect.left, sy: e.clientY - rect.top, x: (e.clientX - rect.left - v.x) / v.scale, y: (e.clientY - rect.top - v.y) / v.scale };
  };

  // Wheel needs a non-passive listener to stop the page from scrolling.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      const v = latest.current.view;
      if (!v) return;
      e.preventDefault();
      const { sx, sy } = toImage(e);
      const k = Math.exp(-e.deltaY * 0.0015);
      const scale = Math.min(64, Math.max(0.02, v.scale * k));
      const f = scale / v.scale;
      motion();
      latest.current.onView({ scale, x: sx - (sx - v.x) * f, y: sy - (sy - v.y) * f });
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, []);

  const swipeX = p.swipe ? p.swipe.at * width : 0;
  return (
    <Box ref={box} pos="relative" h={p.height} style={{ overflow: 'hidden', borderRadius: 4, background: '#0f0f12', touchAction: 'none' }}>
      <canvas
        ref={canvas}
        data-testid={p.testId ?? 'viewer'}
        style={{ width: '100%', height: '100%', display: 'block', cursor: drag.current ? 'grabbing' : 'crosshair' }}
        onPointerDown={(e) => {
          if (!p.view) return;
          const { sx } = toImage(e);
          const onLine = !!p.swipe && Math.abs(sx - swipeX) < 10;
          drag.current = { x: e.clientX, y: e.clientY, view: p.view, swipe: onLine };
          (e.target as HTMLElement).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) {
            if (d.swipe && p.swipe) {
              const rect = canvas.current!.getBoundingClientRect();
              p.swipe.onMove(Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)));
            } else {
              motion();
              p.onView({ ...d.view, x: d.view.x + e.clientX - d.x, y: d.view.y + e.clientY - d.y });
            }
            return;
          }
          if (p.view && p.onPointer) {
            const { x, y } = toImage(e);
            p.onPointer(first && x >= 0 && y >= 0 && x < first.width && y < first.height ? { x: Math.floor(x), y: Math.floor(y) } : null);
          }
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerLeave={() => p.onPointer?.(null)}
        onDoubleClick={() => first && p.onView(fitView(first, width, height))}
      />
      {p.swipe && (
        <>
          <Box
            data-testid="swipe-line"
            style={{ position: 'absolute', top: 0, bottom: 0, left: swipeX - 1, width: 3, background: '#fff', opacity: 0.85, pointerEvents: 'none' }}
          />
          <Text size="xs" fw={600} style={{ position: 'absolute', top: 6, left: 8, pointerEvents: 'none', color: '#fff', textShadow: '0 0 3px #000' }}>
            {p.set?.label}
          </Text>
          <Text size="xs" fw={600} style={{ position: 'absolute', top: 6, right: 8, pointerEvents: 'none', color: '#fff', textShadow: '0 0 3px #000' }}>
            {p.swipe.other.label}
          </Text>
        </>
      )}
      {!p.swipe && p.set && (
        <Text size="xs" fw={600} style={{ position: 'absolute', top: 6, left: 8, pointerEvents: 'none', color: '#fff', textShadow: '0 0 3px #000' }} data-testid="viewer-label">
          {p.set.label}
        </Text>
      )}
      {glError && (
        <Text c="red" p="md" style={{ position: 'absolute', inset: 0 }}>
          {glError}
        </Text>
      )}
    </Box>
  );
}
