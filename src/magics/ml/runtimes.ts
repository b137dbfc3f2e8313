import { JUPYTER_DISPLAY } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'runtimes',
  kind: 'line',
  summary: "List model runtimes: the kernel's own, those installed, and this session's workers with the tfjs each loaded",
  description:
    'A model records the runtime it is scored with (tfjs version, backend, npm packages; %train --runtime). ' +
    "Runtimes other than the kernel's are installed once (npm, pinned, with a lockfile) under " +
    '$DATAKERNEL_RUNTIMES or ~/.cache/datakernel/runtimes, and score in worker processes. ' +
    '`rt = %runtimes` gives the rows as values.',
  args: {},
  async run(_, ctx) {
    const { describeRuntime, runtimeKey } = await import('../../runtimes/spec.js');
    const { installedRuntimes } = await import('../../runtimes/install.js');
    const { kernelRuntime } = await import('../../runtimes/kernel-runtime.js');
    const { sessionWorkers } = await import('../../runtimes/session-workers.js');
    const own = await kernelRuntime();
    const workers = await sessionWorkers(ctx.session).list();
    const rows = [
      { runtime: describeRuntime(own), where: 'kernel (in-process)', worker: process.pid, tfjs: own.tfjs, backend: own.backend, folder: '' },
      ...installedRuntimes().map((installed) => {
        const live = workers.find((w) => runtimeKey(w.spec) === runtimeKey(installed.spec));
        return {
          runtime: describeRuntime(installed.spec),
          where: live ? 'worker' : 'installed',
          worker: live?.worker.pid ?? null,
          tfjs: live?.worker.hello.tfjs ?? installed.installed['@tensorflow/tfjs-core'],
          backend: live?.worker.hello.backend ?? installed.spec.backend,
          folder: installed.dir,
        };
      }),
      ...workers
        .filter((w) => runtimeKey(w.spec) === runtimeKey(own))
        .map((w) => ({ runtime: describeRuntime(w.spec), where: 'worker (isolated)', worker: w.worker.pid, tfjs: w.worker.hello.tfjs, backend: w.worker.hello.backend, folder: '' })),
    ];
    const table = tableBundle({ columns: ['runtime', 'where', 'worker', 'tfjs', 'backend', 'folder'].map((name) => ({ name })), rows: rows.map((r) => Object.values(r)) });
    return Object.assign(rows, { [JUPYTER_DISPLAY]: () => table });
  },
});
