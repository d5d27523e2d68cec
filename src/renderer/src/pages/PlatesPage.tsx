import type { Route } from '../lib/route';
import { Coming } from '../components/Coming';

export function PlatesPage(_: { route: Route }) {
  return <Coming title="Plates" what="the plate list and plate map, once the catalog is in the contract." />;
}
