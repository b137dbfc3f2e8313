import { Command } from 'commander';
import type { RunCommandOptions } from '../src/runner/command.js';
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
      if (options.user && options.prefix) program.error('error: --user and --prefix exclude each other; pick one');
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
      await runKernel(connectionFile);
    });

  program
    .command('repl', { isDefault: true })
    .description('interactive TypeScript REPL (the default); runs piped input or -e CODE without the UI')
    .option('-e, --eval <code>', 'run CODE and exit (non-zero on error)')
    .option('--existing <connection-file>', "attach to a running kernel, like 'jupyter console --existing'")
    .action(async (options: { eval?: string; existing?: string }) => {
      const { runRepl } = await import('../repl/main.js');
      process.exitCode = await runRepl(options);
    });

  program
    .command('run')
    .description('execute a notebook (papermill-style parameters), write the executed notebook, fail on a failing cell')
    .argument('<in>', 'the notebook to run')
    .argument('[out]', 'where to write the executed notebook (also on failure)')
    .option('-p, --parameters <name-value...>', 'parameter NAME VALUE (typed: number, boolean, null, JSON, else string); repeatable')
    .option('-r, --raw <name-value...>', 'parameter NAME VALUE kept as a string; repeatable')
    .option('-y, --yaml <yaml>', 'parameters as a YAML mapping', (value: string, all: string[] = []) => [...all, value])
    .option('-f, --parameters-file <file>', 'parameters from a YAML file', (value: string, all: string[] = []) => [...all, value])
    .option('--cwd <dir>', 'working directory of the run (and the project folder of the in-process engine)')
    .option('--timeout <seconds>', 'fail a cell that runs longer than this', Number)
    .option('--start-timeout <seconds>', 'how long a Jupyter kernel may take to start', Number, 60)
    .option('--allow-errors', 'keep running after a failing cell (exit status 0)')
    .option('--log-output', 'stream cell outputs to stderr as they come')
    .option('--junit <file>', 'write a JUnit XML report, one test case per code cell')
    .option('--kernel <name>', 'run on this installed Jupyter kernel over ZeroMQ instead of in-process')
    .action(async (input: string, output: string | undefined, options: RunCommandOptions) => {
      const { runNotebookCommand, terminalStreams } = await import('../src/runner/command.js');
      const createEngine = async (projectDir: string) => {
        const [{ Engine }, { Session }] = await Promise.all([import('../src/engine/engine.js'), import('../src/session/session.js')]);
        return new Engine({ session: new Session(projectDir) });
      };
      // Exits rather than waiting: servers or timers a notebook started must not keep a CI job alive.
      process.exit(await runNotebookCommand(input, output, options, createEngine, terminalStreams()));
    });

  program
    .command('serve')
    .description('serve stored models over HTTP (TF Serving REST, Open Inference / KServe V2, /metrics), one worker per core')
    .requiredOption('--model-dir <dir>', 'a registry (.datakernel/models), one model (.datakernel/models/NAME) or one version folder')
    .option('--port <port>', 'port to listen on', '8501')
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--workers <n>', 'worker processes (default: one per core; 1 serves in this process)')
    .option('--max-batch-size <n>', 'rows per model call at most', '64')
    .option('--batch-wait-ms <ms>', 'how long a request waits for others to batch with', '0')
    .option('--max-body-bytes <n>', 'larger request bodies get 413', String(8 * 1024 * 1024))
    .option('--log-inputs <file>', 'append every request row to this JSONL file (for %drift)')
    .option('--poll-seconds <s>', 'check the model folder for new versions every S seconds (0: only at start)', '0')
    .option('--features <views>', 'feature views (v1,v2) to look up: requests carry their entity keys, the rest comes from Redis')
    .option('--project <dir>', 'with --features: the project defining the views (default: the one holding --model-dir, else .)')
    .option('--redis <url>', 'with --features: the Redis URI (default $DATAKERNEL_REDIS_URL or redis://127.0.0.1:6379)')
    .action(async (options: import('../src/serve/serve-command.js').ServeCommandOptions) => {
      const { serveCommand } = await import('../src/serve/serve-command.js');
      process.exitCode = await serveCommand(options);
    });

  return program;
}
