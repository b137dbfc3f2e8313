import { packageRoot } from '../package-root.js';
import { PROTOCOL_VERSION } from '../protocol/message.js';

/** This package's version (kernel_info's implementation_version, `datakernel --version`). */
export const KERNEL_VERSION = packageRoot().version;

/** kernel_info_reply content (messaging spec: Kernel info). */
export function kernelInfo(): Record<string, unknown> {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'datakernel',
    implementation_version: KERNEL_VERSION,
    language_info: {
      name: 'typescript',
      version: '5.x',
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      codemirror_mode: { name: 'javascript', typescript: true },
      nbconvert_exporter: 'script',
    },
    banner: `datakernel ${KERNEL_VERSION} — TypeScript for the data-product loop (Node ${process.version}). %lsmagic lists magics.`,
    help_links: [{ text: 'datakernel magics', url: 'https://www.npmjs.com/package/datakernel' }],
    debugger: false,
  };
}
