import { Table, Text, Title, Paper, Tooltip } from '@mantine/core';
import type { ChannelPixelSummary } from '../../../shared/contract/metrics';

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

/** Skill colour: worse than the baseline red, about equal grey, clearly better teal. */
const skillColor = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v <= 0 ? 'red' : v < 0.1 ? 'dimmed' : 'teal');

/**
 * Per channel: SSIM beside the constant baseline's and the skill over it; MSE skill; Pearson r;
 * SSIM (with its own baseline and skill) and r inside nuclei and inside cells.
 */
export function SkillTable({ pixel, baseline }: { pixel: ChannelPixelSummary[]; baseline?: string }) {
  const rows = pixel.filter((p) => p.honest);
  if (!rows.length) return null;
  const objects = rows[0].honest!.objects;
  return (
    <Paper withBorder p="sm" data-testid="skill-table">
      <Title order={4}>Skill over a constant baseline, and inside objects</Title>
      <Text size="xs" c="dimmed" mb={4}>
        {baseline ?? 'baseline: a constant image at the median level of the other sites'}
        {objects ? `; objects from the ${objects === 'truth' ? 'ground-truth' : 'classical acquired'} segmentation` : '; no reference segmentation for inside-object scores'}
      </Text>
      <Table fz="sm" className="num">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Channel</Table.Th>
            <Table.Th>SSIM</Table.Th>
            <Table.Th>baseline</Table.Th>
            <Table.Th>
              <Tooltip label="(SSIM − baseline)/(1 − baseline): 0 = no better than the constant image">
                <span>SSIM skill</span>
              </Tooltip>
            </Table.Th>
            <Table.Th>
              <Tooltip label="1 − MSE/MSE of the baseline">
                <span>MSE skill</span>
              </Tooltip>
            </Table.Th>
            <Table.Th>r</Table.Th>
            <Table.Th>SSIM nuclei</Table.Th>
            <Table.Th>baseline</Table.Th>
            <Table.Th>skill</Table.Th>
            <Table.Th>r nuclei</Table.Th>
            <Table.Th>SSIM cells</Table.Th>
            <Table.Th>baseline</Table.Th>
            <Table.Th>skill</Table.Th>
            <Table.Th>r cells</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => {
            const h = p.honest!;
            return (
              <Table.Tr key={p.channel} data-channel={p.channel}>
                <Table.Td fw={600}>{p.channel}</Table.Td>
                <Table.Td>{f3(p.ssim.mean)}</Table.Td>
                <Table.Td c="dimmed">{f3(h.baselineSsim)}</Table.Td>
                <Table.Td fw={700} c={skillColor(h.skillSsim)} data-testid="skill-ssim">
                  {f3(h.skillSsim)}
                </Table.Td>
                <Table.Td c={skillColor(h.skillMse)}>{f3(h.skillMse)}</Table.Td>
                <Table.Td>{f3(h.r)}</Table.Td>
                <Table.Td fw={700} data-testid="ssim-nuclei">
                  {f3(h.nuclei?.ssim)}
                </Table.Td>
                <Table.Td c="dimmed">{f3(h.nuclei?.baselineSsim)}</Table.Td>
                <Table.Td c={skillColor(h.nuclei?.skillSsim)}>{f3(h.nuclei?.skillSsim)}</Table.Td>
                <Table.Td>{f3(h.nuclei?.r)}</Table.Td>
                <Table.Td fw={700} data-testid="ssim-cells">
                  {f3(h.cells?.ssim)}
                </Table.Td>
                <Table.Td c="dimmed">{f3(h.cells?.baselineSsim)}</Table.Td>
                <Table.Td c={skillColor(h.cells?.skillSsim)}>{f3(h.cells?.skillSsim)}</Table.Td>
                <Table.Td>{f3(h.cells?.r)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
