#!/usr/bin/env node
// `datakernel kernel CONNECTION_FILE` is what Jupyter launches: it skips the CLI parser so the kernel starts sooner.
const [command, connectionFile, ...rest] = process.argv.slice(2);
if (command === 'kernel' && connectionFile && !connectionFile.startsWith('-') && rest.length === 0) {
  const { runKernel } = await import('../dist/kernel/main.js');
  await runKernel(connectionFile).catch((error) => {
    process.stderr.write(`datakernel: ${error.message}\n`);
    process.exit(1);
  });
} else {
  const { buildCli } = await import('../dist/kernel/cli.js');
  await buildCli().parseAsync(process.argv);
}
