import { Box, Paper, Text, Group, Badge, useComputedColorScheme } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { WellLayout } from '../../../shared/contract/catalog';
import { PLATE_FORMATS, rowName } from '../../../shared/channels';
import { colourOf, MISSING_FILL, type Scale } from '../lib/colour';
import { formatValue } from '../lib/format';

export const CONTROL_COLOURS: Record<string, string> = {
  negcon: '#22d3ee',
  poscon: '#f97316',
  empty: '#9ca3af',
};

export interface PlateMapProps {
  format: 96 | 384 | 1536;
  wells: WellLayout[];
  /** value per well id; absent or null = missing */
  values: Map<number, number | null> | null;
  scale: Scale | null;
  valueLabel: string;
  mode: 'heatmap' | 'thumbnail';
  /** thumbnail URL of a well (thumbnail mode) */
  thumbUrl?: (w: WellLayout) => string;
  selectedId?: number | null;
  onOpen(w: WellLayout): void;
  /** called after each repaint with the time it took (ms) */
  onDrawn?(ms: number): void;
}

const LABEL = 26;

/**
 * The plate as a grid on one canvas (1536 wells stay cheap): fill by value, missing wells hatched,
 * control wells outlined by type, hover card, click to open.
 */
export function PlateMap(p: PlateMapProps) {
  const { ref: boxRef, width } = useElementSize();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ w: WellLayout; x: number; y: number } | null>(null);
  const { rows, cols } = PLATE_FORMATS[p.format];
  const cell = Math.max(6, Math.min(64, Math.floor((width - LABEL - 4) / cols)));
  const W = LABEL + cols * cell + 2;
  const H = LABEL + rows * cell + 2;
  const byPos = useMemo(() => {
    const m = new Map<number, WellLayout>();
    for (const w of p.wells) m.set(w.row * cols + w.col, w);
    return m;
  }, [p.wells, cols]);
  const scheme = useComputedColorScheme('dark');
  const thumbs = useThumbs(p.mode === 'thumbnail' ? p.wells : null, p.thumbUrl);

  useEffect(() => {
    const c = canvasRef.current;
    if (!c || width === 0) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(W * dpr);
    c.height = Math.round(H * dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const dark = scheme !== 'light';
    const fg = dark ? '#c9c9c9' : '#333';
    g.clearRect(0, 0, W, H);
    // Row letters and column numbers, thinned out when cells are small.
    g.fillStyle = fg;
    g.font = `${Math.min(13, Math.max(9, cell * 0.55))}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const every = cell < 14 ? 4 : cell < 20 ? 2 : 1;
    for (let c2 = 0; c2 < cols; c2++) if ((c2 + 1) % every === 0 || c2 === 0) g.fillText(String(c2 + 1), LABEL + c2 * cell + cell / 2, LABEL / 2);
    for (let r = 0; r < rows; r++) if (r % every === 0) g.fillText(rowName(r), LABEL / 2, LABEL + r * cell + cell / 2);
    const gap = cell >= 12 ? 1 : 0.5;
    for (let r = 0; r < rows; r++) {
      for (let c2 = 0; c2 < cols; c2++) {
        const x = LABEL + c2 * cell + gap;
        const y = LABEL + r * cell + gap;
        const s = cell - 2 * gap;
        const w = byPos.get(r * cols + c2);
        if (!w) {
          g.fillStyle = dark ? '#2a2b2e' : '#eceef0';
          g.fillRect(x, y, s, s);
          continue;
        }
        const img = thumbs.get(w.id);
        if (p.mode === 'thumbnail' && img) {
          g.drawImage(img, x, y, s, s);
        } else {
          const v = p.values?.get(w.id);
          const col = p.scale && p.mode === 'heatmap' ? colourOf(v, p.scale) : null;
          if (col) {
            g.fillStyle = col;
            g.fillRect(x, y, s, s);
          } else {
            // Missing: flat grey with a diagonal stroke, distinct from every colour of the scales.
            g.fillStyle = dark ? '#3a3b3f' : '#d5d7da';
            g.fillRect(x, y, s, s);
            if (s >= 6) {
              g.strokeStyle = dark ? MISSING_FILL : '#aeb3b9';
              g.lineWidth = 1;
              g.beginPath();
              g.moveTo(x + 1, y + s - 1);
              g.lineTo(x + s - 1, y + 1);
              g.stroke();
            }
          }
        }
        const ctl = w.controlType && CONTROL_COLOURS[w.controlType];
        if (ctl) {
          g.strokeStyle = ctl;
          g.lineWidth = cell >= 14 ? 2.5 : 1.5;
          if (w.controlType === 'empty') g.setLineDash([2, 2]);
          g.strokeRect(x + g.lineWidth / 2, y + g.lineWidth / 2, s - g.lineWidth, s - g.lineWidth);
          g.setLineDash([]);
        }
        if (p.selectedId === w.id) {
          g.strokeStyle = dark ? '#fff' : '#000';
          g.lineWidth = 2;
          g.strokeRect(x - 1, y - 1, s + 2, s + 2);
        }
      }
    }
    p.onDrawn?.(performance.now() - t0);
  }, [width, W, H, cell, rows, cols, byPos, p.values, p.scale, p.mode, thumbs, p.selectedId, scheme]);

  const wellAt = (e: React.MouseEvent): { w: WellLayout; x: number; y: number } | null => {
    const rect = (e.target as HTMLCanvasElement).getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const c2 = Math.floor((x - LABEL) / cell);
    const r = Math.floor((y - LABEL) / cell);
    if (c2 < 0 || r < 0 || c2 >= cols || r >= rows) return null;
    const w = byPos.get(r * cols + c2);
    return w ? { w, x, y } : null;
  };

  return (
    <Box ref={boxRef} pos="relative" w="100%" style={{ minHeight: 120 }}>
      <canvas
        ref={canvasRef}
        data-testid="plate-map"
        data-wells={p.wells.length}
        data-cell={cell}
        data-label={LABEL}
        style={{ width: W, height: H, display: 'block', cursor: hover ? 'pointer' : 'default' }}
        onMouseMove={(e) => setHover(wellAt(e))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const h = wellAt(e);
          if (h) p.onOpen(h.w);
        }}
      />
      {hover && <WellCard {...hover} value={p.values?.get(hover.w.id)} label={p.valueLabel} scale={p.scale} boxWidth={W} />}
    </Box>
  );
}

function WellCard({ w, x, y, value, label, scale, boxWidth }: { w: WellLayout; x: number; y: number; value: number | null | undefined; label: string; scale: Scale | null; boxWidth: number }) {
  const left = x + 280 > boxWidth ? x - 276 : x + 16;
  const swatch = scale ? colourOf(value, scale) : null;
  return (
    <Paper
      withBorder
      shadow="md"
      p="xs"
      data-testid="well-card"
      style={{ position: 'absolute', left, top: y + 12, width: 260, pointerEvents: 'none', zIndex: 10 }}
    >
      <Group justify="space-between" mb={4}>
        <Text fw={700} size="lg">
          {w.name}
        </Text>
        {w.controlType && (
          <Badge variant="outline" color={w.controlType === 'negcon' ? 'cyan' : w.controlType === 'poscon' ? 'orange' : 'gray'}>
            {w.controlType}
          </Badge>
        )}
      </Group>
      <Text size="sm" fw={500}>
        {w.compound ?? w.broadSample ?? (w.annotated ? 'no compound' : 'not annotated')}
      </Text>
      {w.moa && (
        <Text size="sm" c="dimmed">
          MoA: {w.moa}
        </Text>
      )}
      {w.concentration != null && (
        <Text size="sm" c="dimmed">
          {formatValue(w.concentration)} {w.concentrationUnit ?? ''}
        </Text>
      )}
      <Group gap={6} mt={4} className="num">
        {swatch && <Box w={12} h={12} style={{ background: swatch, borderRadius: 2 }} />}
        <Text size="sm">
          {label}: <b data-testid="well-card-value">{formatValue(value)}</b>
        </Text>
      </Group>
    </Paper>
  );
}

/** Loads well thumbnails as bitmaps (a few at a time) and re-renders as they arrive. */
function useThumbs(wells: WellLayout[] | null, url?: (w: WellLayout) => string): Map<number, ImageBitmap | HTMLImageElement> {
  const [map, setMap] = useState<Map<number, HTMLImageElement>>(new Map());
  useEffect(() => {
    if (!wells || !url) return;
    let live = true;
    const queue = wells.filter((w) => w.sites > 0);
    const got = new Map<number, HTMLImageElement>();
    let pending = 0;
    let flush: number | null = null;
    const schedule = () => {
      if (flush == null) flush = window.setTimeout(() => {
        flush = null;
        if (live) setMap(new Map(got));
      }, 150);
    };
    const next = () => {
      const w = queue.shift();
      if (!w || !live) return;
      pending++;
      const img = new Image();
      img.onload = () => {
        got.set(w.id, img);
        pending--;
        schedule();
        next();
      };
      img.onerror = () => {
        pending--;
        next();
      };
      img.src = url(w);
    };
    for (let i = 0; i < 6; i++) next();
    return () => {
      live = false;
      if (flush != null) clearTimeout(flush);
      void pending;
    };
  }, [wells, url]);
  return map;
}
