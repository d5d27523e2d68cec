import { AppShell, Group, NavLink, Title, Text, Box } from '@mantine/core';
import type { ReactNode } from 'react';
import { href, useRoute, type Section } from './lib/route';
import { ThemeToggle } from './components/ThemeToggle';
import { StatusBar } from './components/StatusBar';
import { PlatesPage } from './pages/PlatesPage';
import { WellPage } from './pages/WellPage';
import { MetricsPage } from './pages/MetricsPage';
import { ModelsPage } from './pages/ModelsPage';
import { JobsPage } from './pages/JobsPage';
import { ImportExportPage } from './pages/ImportExportPage';
import { useShortcuts } from './lib/shortcuts';

const NAV: { section: Section; label: string; hint: string }[] = [
  { section: 'plates', label: 'Plates', hint: 'Plate list and plate map' },
  { section: 'well', label: 'Well', hint: 'Multichannel viewer of one well' },
  { section: 'metrics', label: 'Metrics', hint: 'Quality of a synthetic run' },
  { section: 'models', label: 'Models', hint: 'Installed models and execution provider' },
  { section: 'jobs', label: 'Jobs', hint: 'Running and finished work' },
  { section: 'io', label: 'Import / Export', hint: 'Bring plates in, take tables out' },
];

export function App() {
  const route = useRoute();
  useShortcuts();
  let page: ReactNode;
  switch (route.section) {
    case 'plates':
      page = <PlatesPage route={route} />;
      break;
    case 'well':
      page = <WellPage route={route} />;
      break;
    case 'metrics':
      page = <MetricsPage route={route} />;
      break;
    case 'models':
      page = <ModelsPage />;
      break;
    case 'jobs':
      page = <JobsPage />;
      break;
    case 'io':
      page = <ImportExportPage route={route} />;
      break;
  }
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} footer={{ height: 30 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={3} fw={700}>
              Stainless
            </Title>
            <Text c="dimmed" size="sm">
              virtual Cell Painting
            </Text>
          </Group>
          <ThemeToggle />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        {NAV.map((n) => (
          <NavLink
            key={n.section}
            href={href(n.section)}
            label={n.label}
            title={n.hint}
            active={route.section === n.section}
            data-nav={n.section}
            fw={500}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Box data-page={route.section}>{page}</Box>
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
    </AppShell>
  );
}
