import type { Command } from './types';
import { UsageError } from './types';
import { addModel, removeModel } from '../core/inference/registry';
import { modelInfo } from '../core/api/inference';

const intFlag = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${v}" is not a positive integer`);
  return n;
};

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List, add (model folder or bioimage.io yaml), show or remove models',
  usage: 'stainless models list | add PATH | show NAME[@VERSION] [--steps N] | remove NAME[@VERSION]   [--json]',
  options: { steps: { type: 'string' } },
  async run({ values, positionals }, ctx) {
    const [sub, arg] = positionals;
    const core = await ctx.coreWithModels();
    switch (sub ?? 'list') {
      case 'list': {
        const list = await ctx.call('models.list', {});
        if (!list.length) ctx.say('no models registered (add one with `stainless models add PATH`)');
        for (const m of list) ctx.say(`${m.name} ${m.version}  ${m.kind}  ${m.inputs.join(',')} → ${m.outputs.join(',')}${m.bundled ? '  (bundled)' : ''}`);
        return list;
      }
      case 'add': {
        if (!arg) throw new UsageError('models add: give a model folder, its model.json, or a bioimageio.yaml');
        const r = await addModel(core.db, arg, { modelsDir: core.paths.models });
        ctx.say(r.added ? `added ${r.model.name} ${r.model.version} (${r.model.kind}) from ${arg}` : `${r.model.name} ${r.model.version} is already registered with this file`);
        return { model: modelInfo(r.model), added: r.added };
      }
      case 'show': {
        if (!arg) throw new UsageError('models show: give a model name');
        const d = await ctx.call('models.get', { name: arg, steps: intFlag(values.steps, '--steps') });
        ctx.say(JSON.stringify(d.manifest, null, 2));
        if (d.schedule) {
          ctx.say(`schedule (T=${d.schedule.T}, κ=${d.schedule.kappa}):`);
          ctx.say(`  eta                ${d.schedule.eta.map((v) => v.toFixed(6)).join(' ')}`);
          ctx.say(`  posterior_variance ${d.schedule.posterior_variance.map((v) => v.toFixed(6)).join(' ')}`);
          ctx.say(`  input_scale        ${d.schedule.input_scale.map((v) => v.toFixed(6)).join(' ')}`);
        }
        const { manifest, schedule, ...registered } = d;
        return { ...manifest, ...(schedule ?? {}), registered };
      }
      case 'remove': {
        if (!arg) throw new UsageError('models remove: give a model name');
        const gone = removeModel(core.db, arg, core.paths.models);
        for (const m of gone) ctx.say(`removed ${m.name} ${m.version}`);
        return gone.map(modelInfo);
      }
      default:
        throw new UsageError(`models: unknown subcommand "${sub}" (list, add, show, remove)`);
    }
  },
};
