import { Text } from '@mantine/core';
import type { Distribution } from '../../../shared/contract/metrics';
import { formatValue } from '../lib/format';

/** Horizontal box plots (min, Q1, median, Q3, max) of one metric, one row per channel, on a shared axis. */
export function BoxPlots({ rows, title, testId }: { rows: { label: string; d: Distribution }[]; title: string; testId?: string }) {
  const vals = rows.flatMap((r) => [r.d.min, r.d.max]).filter((v): v is number => v != null && Number.isFinite(v));
  if (!vals.length)
    return (
      <Text size="sm" c="dimmed">
        {title}: no values
      </Text>
    );
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const W = 420;
  const L = 70;
  const rowH = 26;
  const x = (v: number) => L + ((v - lo) / (hi - lo)) * (W - L - 12);
  const H = rows.length * rowH + 28;
  return (
    <svg width={W} height={H} role="img" aria-label={title} data-testid={testId} style={{ overflow: 'visible' }}>
      <text x={0} y={12} fontSize={13} fontWeight={600} fill="currentColor">
        {title}
      </text>
      {rows.map((r, i) => {
        const y = 22 + i * rowH + rowH / 2;
        const d = r.d;
        if (d.min == null || d.max == null || d.q1 == null || d.q3 == null || d.median == null)
          return (
            <text key={r.label} x={0} y={y + 4} fontSize={12} fill="currentColor">
              {r.label} —
            </text>
          );
        return (
          <g key={r.label}>
            <title>{`${r.label}: median ${formatValue(d.median)}, IQR ${formatValue(d.q1)}–${formatValue(d.q3)}, range ${formatValue(d.min)}–${formatValue(d.max)}, n=${d.n}`}</title>
            <text x={0} y={y + 4} fontSize={12} fill="currentColor">
              {r.label}
            </text>
            <line x1={x(d.min)} x2={x(d.max)} y1={y} y2={y} stroke="currentColor" opacity={0.6} />
            <rect x={x(d.q1)} y={y - 8} width={Math.max(1, x(d.q3) - x(d.q1))} height={16} fill="var(--mantine-color-teal-7)" opacity={0.8} />
            <line x1={x(d.median)} x2={x(d.median)} y1={y - 9} y2={y + 9} stroke="#fff" strokeWidth={2} />
          </g>
        );
      })}
      <text x={L} y={H - 2} fontSize={11} fill="currentColor" opacity={0.7}>
        {formatValue(lo)}
      </text>
      <text x={W - 12} y={H - 2} fontSize={11} fill="currentColor" opacity={0.7} textAnchor="end">
        {formatValue(hi)}
      </text>
    </svg>
  );
}
