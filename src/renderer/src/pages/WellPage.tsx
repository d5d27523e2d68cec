import type { Route } from '../lib/route';
import { Coming } from '../components/Coming';

export function WellPage(_: { route: Route }) {
  return <Coming title="Well" what="the multichannel viewer; open a well from a plate map." />;
}
