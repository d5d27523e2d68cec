/** Worker thread: renders and writes the sites it is sent, one task per site. */
import { serveTasks } from '../jobs/pool';
import { renderSiteFiles, type SiteTask } from './siteFiles';

serveTasks((task: SiteTask) => renderSiteFiles(task));
