import { SegmentedControl, useMantineColorScheme } from '@mantine/core';

/** Light/dark; Mantine's colour-scheme manager persists the choice in localStorage. */
export function ThemeToggle() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <SegmentedControl
      size="xs"
      aria-label="Theme"
      value={colorScheme === 'light' ? 'light' : 'dark'}
      onChange={(v) => setColorScheme(v as 'light' | 'dark')}
      data={[
        { label: 'Light', value: 'light' },
        { label: 'Dark', value: 'dark' },
      ]}
    />
  );
}
