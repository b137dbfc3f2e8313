#!/usr/bin/env node
import { buildCli } from '../dist/kernel/cli.js';

await buildCli().parseAsync(process.argv);
