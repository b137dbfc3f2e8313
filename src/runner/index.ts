export { CellOutput, type DisplayIndex } from './cell-output.js';
export { runNotebookCommand, type LocalKernelFactory, type OwnedKernel, type RunCommandOptions } from './command.js';
export { junitXml } from './junit.js';
export { hasTag, newCell, readNotebook, sourceText, writeNotebook, type Notebook, type NotebookCell, type NotebookOutput } from './notebook.js';
export { collectParameters, injectParameters, parametersSource, parseParameterValue, type ParameterSources, type Parameters } from './parameters.js';
export { RunReporter, type RunnerStreams } from './reporter.js';
export { runNotebook, type CellFailure, type CellResult, type NotebookKernel, type RunOptions, type RunResult } from './run-notebook.js';
