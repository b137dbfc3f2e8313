export type { Connector, ConnectorKind, CopyOptions, CopySource, SourceColumn, SourceTable } from './connector.js';
export { connect, disconnect, findConnection, getConnection, listConnections, type ConnectOptions } from './registry.js';
