/** Worker-thread entry: one plate+channel's illumination function per task (reads, sums, writes its .npy). */
import { serveTasks } from '../jobs/pool';
import { computeChannel, type ChannelResult, type ChannelTask } from './channelTask';

serveTasks<ChannelTask, ChannelResult, number>((task, hooks) => computeChannel(task, hooks));
