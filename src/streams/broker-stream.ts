import type { BrokerKind, ReadOptions, StreamInfo, StreamMessage, StreamSource } from './stream-source.js';
import type { StreamAddress } from './stream-uri.js';

/** What every broker's stream source starts from: its address, the stream or topic it reads, its URI shown. */
export abstract class BrokerStream implements StreamSource {
  abstract readonly broker: BrokerKind;
  readonly stream: string;
  readonly displayUri: string;

  constructor(protected readonly address: StreamAddress) {
    this.stream = address.stream;
    this.displayUri = address.display;
  }

  abstract info(): Promise<StreamInfo>;
  abstract read(options?: ReadOptions): AsyncIterable<StreamMessage[]>;
  abstract close(): Promise<void>;
}
