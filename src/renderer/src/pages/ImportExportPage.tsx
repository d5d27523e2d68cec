import type { Route } from '../lib/route';
import { Coming } from '../components/Coming';

export function ImportExportPage(_: { route: Route }) {
  return <Coming title="Import / Export" what="the import wizard and the export dialog." />;
}
