import { Table, Text } from '@mantine/core';
import { PAINT_CHANNELS } from '../../../shared/channels';
import { formatValue } from '../lib/format';
import { heldOutRows, type HeldOutRow, type Obj } from '../lib/heldOut';

const cell = (v: number | null) => (v === null ? '—' : v.toFixed(3));

export function HeldOutMetrics({ held }: { held: Obj }) {
  const { rows, other, targets } = heldOutRows(held);
  if (!rows.length && !other.length)
    return (
      <Text size="sm" c="dimmed">
        none in the manifest
      </Text>
    );
  const anyFeatureR = rows.some((r) => r.featureR !== null);
  const anyBaseline = rows.some((r) => r.baselineSsim !== null);
  return (
    <>
      {rows.length > 0 && (
        <Text size="xs" c="dimmed" mb={4}>
          Per-channel columns are SSIM; F1 at IoU 0.5 against ground truth.
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table fz="sm" striped withTableBorder verticalSpacing={4} style={{ whiteSpace: 'nowrap' }} data-testid="held-out">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>held-out plate</Table.Th>
                <Table.Th>scored by</Table.Th>
                <Table.Th ta="right">sites</Table.Th>
                {PAINT_CHANNELS.map((c) => (
                  <Table.Th key={c} ta="right" title={`SSIM of ${c}`}>
                    {c}
                  </Table.Th>
                ))}
                <Table.Th ta="right">mean SSIM</Table.Th>
                <Table.Th ta="right">nuclei F1</Table.Th>
                <Table.Th ta="right">cells F1</Table.Th>
                {anyFeatureR && <Table.Th ta="right">feature r</Table.Th>}
                {anyBaseline && (
                  <Table.Th ta="right" title="mean SSIM of a constant image at the other sites' median level">
                    baseline
                  </Table.Th>
                )}
                {anyBaseline && (
                  <Table.Th ta="right" title="(mean SSIM − baseline)/(1 − baseline)">
                    skill
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{r.label}</Table.Td>
                  <Table.Td c="dimmed">{r.source}</Table.Td>
                  <Table.Td ta="right">{r.sites ?? '—'}</Table.Td>
                  {PAINT_CHANNELS.map((c) => (
                    <Table.Td key={c} ta="right">
                      {cell(r.ssim[c])}
                    </Table.Td>
                  ))}
                  <Table.Td ta="right" fw={600}>
                    {cell(r.meanSsim)}
                  </Table.Td>
                  <Table.Td ta="right">{cell(r.nucleiF1)}</Table.Td>
                  <Table.Td ta="right">{cell(r.cellsF1)}</Table.Td>
                  {anyFeatureR && <Table.Td ta="right">{cell(r.featureR)}</Table.Td>}
                  {anyBaseline && (
                    <Table.Td ta="right" c="dimmed">
                      {cell(r.baselineSsim)}
                    </Table.Td>
                  )}
                  {anyBaseline && <Table.Td ta="right">{cell(r.skillSsim)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PerChannel rows={rows} />
      {targets && (
        <Text size="sm" mt={4} data-testid="held-out-targets">
          <Text span fw={600} c={targets.missed.length ? 'red' : 'teal'}>
            {targets.missed.length ? `Targets missed: ${targets.missed.join('; ')}` : 'All held-out targets met'}
          </Text>{' '}
          <Text span size="xs" c="dimmed">
            ({targets.met.length} met; {targets.judgedOn})
          </Text>
        </Text>
      )}
      {other.map(([k, v]) => (
        <Text key={k} size="sm">
          <Text span c="dimmed">
            {k}:{' '}
          </Text>
          {typeof v === 'number' ? formatValue(v) : JSON.stringify(v).slice(0, 300)}
        </Text>
      ))}
    </>
  );
}

/** Held-out SSIM, Pearson r and skill over the constant baseline per channel, for the rows the app's metrics scored. */
function PerChannel({ rows }: { rows: HeldOutRow[] }) {
  const scored = rows.filter((r) => r.channels.length > 0);
  if (!scored.length) return null;
  const inside = scored.some((r) => r.channels.some((c) => c.nucleiSsim !== null || c.cellsSsim !== null));
  return (
    <>
      <Text size="xs" c="dimmed" mt="sm" mb={4}>
        Per channel, by Stainless&apos; metrics: skill = (SSIM − baseline)/(1 − baseline); baseline = a constant image at the other sites&apos; median level.
      </Text>
      <Table fz="sm" striped withTableBorder verticalSpacing={2} w="auto" style={{ whiteSpace: 'nowrap' }} data-testid="held-out-channels">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>held-out plate</Table.Th>
            <Table.Th>channel</Table.Th>
            <Table.Th ta="right">SSIM</Table.Th>
            <Table.Th ta="right">baseline</Table.Th>
            <Table.Th ta="right">skill</Table.Th>
            <Table.Th ta="right">Pearson r</Table.Th>
            {inside && <Table.Th ta="right">SSIM in nuclei</Table.Th>}
            {inside && <Table.Th ta="right">SSIM in cells</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {scored.flatMap((r, i) =>
            r.channels.map((c, j) => (
              <Table.Tr key={`${i}-${c.channel}`} data-channel={c.channel}>
                <Table.Td c={j ? 'dimmed' : undefined}>{j ? '' : r.label}</Table.Td>
                <Table.Td>{c.channel}</Table.Td>
                <Table.Td ta="right">{cell(c.ssim)}</Table.Td>
                <Table.Td ta="right" c="dimmed">
                  {cell(c.baselineSsim)}
                </Table.Td>
                <Table.Td ta="right" fw={600} c={c.skillSsim !== null && c.skillSsim <= 0 ? 'red' : undefined}>
                  {cell(c.skillSsim)}
                </Table.Td>
                <Table.Td ta="right">{cell(c.r)}</Table.Td>
                {inside && <Table.Td ta="right">{cell(c.nucleiSsim)}</Table.Td>}
                {inside && <Table.Td ta="right">{cell(c.cellsSsim)}</Table.Td>}
              </Table.Tr>
            )),
          )}
        </Table.Tbody>
      </Table>
    </>
  );
}
