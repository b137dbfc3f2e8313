import { Command } from 'commander';
import { KERNEL_VERSION } from './core/kernel-info.js';

/** The `datakernel` command line; each subcommand loads its code only when it runs, so --help is instant. */
export function buildCli(): Command {
  const program = new Command('datakernel')
    .description('TypeScript Jupyter kernel, REPL and notebook runner for the data-product loop')
    .version(KERNEL_VERSION, '-V, --version')
    .showHelpAfterError('(run datakernel --help for usage)');

  program
    .command('install')
    .description('install the Jupyter kernelspec "datakernel" (no Python needed)')
    .option('--user', 'install for the current user (default)')
    .option('--prefix <dir>', 'install under DIR/share/jupyter/kernels')
    .option('--name <name>', 'kernelspec name', 'datakernel')
    .action(async (options: { user?: boolean; prefix?: string; name: string }) => {
      const { installKernelspec } = await import('./install.js');
      const dir = installKernelspec(options);
      console.log(`Installed kernelspec ${options.name} in ${dir}`);
    });

  program
    .command('kernel')
    .description('run the kernel for a Jupyter connection file (what Jupyter launches)')
    .argument('<connection-file>', 'the connection file Jupyter wrote')
    .action(async (connectionFile: string) => {
      const { runKernel } = await import('./main.js');
      await runKernel({ connectionFile, history: await openHistory() });
    });

  return program;
}

/** The shared history store, or none when it cannot be opened (the kernel runs without history then). */
async function openHistory() {
  try {
    const { kernelHistory } = await import('../src/history/kernel-history.js');
    return kernelHistory();
  } catch (error) {
    process.stderr.write(`[datakernel] history unavailable: ${(error as Error).message}\n`);
    return undefined;
  }
}
