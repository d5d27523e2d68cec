import { Stack, Tabs, Title } from '@mantine/core';
import { navigate, type Route } from '../lib/route';
import { ImportWizard } from '../components/ImportWizard';
import { ExportDialog } from '../components/ExportDialog';

export function ImportExportPage({ route }: { route: Route }) {
  const tab = route.args[0] === 'export' ? 'export' : 'import';
  return (
    <Stack maw={1100}>
      <Title order={2}>Import / Export</Title>
      <Tabs value={tab} onChange={(v) => navigate('io', v ?? 'import')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="import" data-testid="tab-import">
            Import a plate
          </Tabs.Tab>
          <Tabs.Tab value="export" data-testid="tab-export">
            Export features
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import" pt="md">
          <ImportWizard />
        </Tabs.Panel>
        <Tabs.Panel value="export" pt="md">
          <ExportDialog plateParam={route.params.get('plate')} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
