/**
 * pycytominer's default blocklist (Way 2019, "Blacklist Features - Cell Profiler", figshare
 * 10.6084/m9.figshare.10255811), stated as the rule it lists: in the Nuclei compartment, Manders
 * and RWC colocalization of every ordered pair of the five Cell Painting stains, and granularity
 * scales 14–16 of each stain. test/unit/profiles-recipe.test.ts checks the rule against the list
 * pycytominer itself applies to the demo plate.
 */

const STAINS = ['AGP', 'DNA', 'ER', 'Mito', 'RNA'];

const BLOCKED = new Set<string>([
  ...['Manders', 'RWC'].flatMap((m) => STAINS.flatMap((a) => STAINS.filter((b) => b !== a).map((b) => `Nuclei_Correlation_${m}_${a}_${b}`))),
  ...[14, 15, 16].flatMap((s) => STAINS.map((c) => `Nuclei_Granularity_${s}_${c}`)),
]);

export const blocklisted = (name: string): boolean => BLOCKED.has(name);
