import type { Route } from '../lib/route';
import { Coming } from '../components/Coming';

export function MetricsPage(_: { route: Route }) {
  return <Coming title="Metrics" what="the quality dashboard of a synthetic run." />;
}
