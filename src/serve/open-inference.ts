import { badRequest } from './http-error.js';
import type { ServedVersion } from './model-repository.js';
import { isJsonObject, modelPath, servedModel, type Reply, type Route, type RouteRequest } from './route.js';
import type { FeatureSpec, ServableModel } from './servable.js';
import { serverVersion } from './server-version.js';
import { v2DatatypeFits, v2InputDatatype, v2OutputDatatype } from './tensor-types.js';
import { rowsFromColumns, validateRows } from './validate.js';

// Open Inference Protocol (KServe V2), HTTP/REST: https://github.com/kserve/open-inference-protocol

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

function modelMetadata(request: RouteRequest): Reply {
  const { model, version } = servedModel(request);
  return {
    json: {
      name: model.name,
      versions: request.params.version === undefined ? request.repository.versions(model.name) : [version],
      platform: 'datakernel_tfjs',
      inputs: model.inputSchema.map((f) => ({ name: f.name, datatype: v2InputDatatype(f), shape: [-1] })),
      outputs: model.outputNames.map((name) => ({ name, datatype: v2OutputDatatype(model, name), shape: [-1] })),
    },
  };
}

function modelReady(request: RouteRequest): Reply {
  const { model } = servedModel(request);
  return { json: { name: model.name, ready: true } };
}

/** Checks one request tensor's fields; the data may be nested row-major arrays or already flat. */
function readTensor(value: unknown, index: number): Tensor {
  if (!isJsonObject(value) || typeof value.name !== 'string') throw badRequest(`Input ${index} must be an object with "name", "shape", "datatype" and "data"`);
  const { name, shape, datatype, data } = value;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw badRequest(`Input '${name}' needs "shape", a list of non-negative integers`);
  if (typeof datatype !== 'string') throw badRequest(`Input '${name}' needs "datatype" (e.g. FP32, INT64, BYTES, BOOL)`);
  if (!Array.isArray(data)) throw badRequest(`Input '${name}' needs "data", a list of values in row-major order`);
  const flat = data.flat(Infinity);
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (flat.length !== size) throw badRequest(`Input '${name}' has ${flat.length} values but its shape [${shape.join(', ')}] needs ${size}`);
  return { name, shape, datatype, data: flat };
}

/** One tensor of shape [rows, features]: columns in the order of the model's input schema. */
function rowsFromMatrix(schema: readonly FeatureSpec[], tensor: Tensor): Record<string, unknown>[] {
  const [n, k] = tensor.shape;
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < k; j++) row[schema[j].name] = tensor.data[i * k + j];
    return row;
  });
}

/** Rows from request tensors: one per feature (shape [n] or [n, 1]), or one [n, features] matrix. */
function rowsFromTensors(target: ServedVersion, inputs: unknown): Record<string, unknown>[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw badRequest('"inputs" must be a non-empty list of tensors');
  const schema = target.model.inputSchema;
  const tensors = inputs.map(readTensor);
  const byName = new Map(schema.map((f) => [f.name, f]));
  const only = tensors[0];
  if (tensors.length === 1 && !byName.has(only.name) && only.shape.length === 2 && only.shape[1] === schema.length) {
    return rowsFromMatrix(schema, only);
  }
  const columns: Record<string, unknown[]> = {};
  for (const tensor of tensors) {
    const feature = byName.get(tensor.name);
    if (!feature) throw badRequest(`Unknown input '${tensor.name}'; the model takes ${schema.map((f) => f.name).join(', ')} (one tensor each, or one [n, ${schema.length}] tensor)`);
    if (tensor.shape.length > 2 || (tensor.shape.length === 2 && tensor.shape[1] !== 1)) {
      throw badRequest(`Input '${tensor.name}' has shape [${tensor.shape.join(', ')}]; a feature tensor is [n] or [n, 1]`);
    }
    if (!v2DatatypeFits(tensor.datatype, feature)) {
      throw badRequest(`Input '${tensor.name}' has datatype ${tensor.datatype} but the feature is a ${feature.type} (send ${v2InputDatatype(feature)})`);
    }
    columns[tensor.name] = tensor.data;
  }
  return rowsFromColumns(columns);
}

function outputTensor(model: ServableModel, name: string, values: unknown[]) {
  const width = Array.isArray(values[0]) ? (values[0] as unknown[]).length : 0;
  return { name, datatype: v2OutputDatatype(model, name), shape: width ? [values.length, width] : [values.length], data: width ? values.flat() : values };
}

function requestedOutputs(target: ServedVersion, outputs: unknown): readonly string[] {
  const names = target.model.outputNames;
  if (outputs === undefined) return names;
  if (!Array.isArray(outputs)) throw badRequest('"outputs" must be a list of {"name": ...}');
  return outputs.map((o) => {
    const name = isJsonObject(o) ? o.name : undefined;
    if (typeof name !== 'string' || !names.includes(name)) throw badRequest(`Unknown output ${JSON.stringify(name)}; the model has ${names.join(', ')}`);
    return name;
  });
}

async function infer(request: RouteRequest): Promise<Reply> {
  const target = servedModel(request);
  const body = await request.json();
  if (!isJsonObject(body)) throw badRequest('The request body must be a JSON object with "inputs"');
  const wanted = requestedOutputs(target, body.outputs);
  const results = await target.predict(validateRows(target.model.inputSchema, rowsFromTensors(target, body.inputs)));
  return {
    json: {
      model_name: target.model.name,
      model_version: target.version,
      ...(body.id !== undefined ? { id: body.id } : {}),
      outputs: wanted.map((name) => outputTensor(target.model, name, results.map((r) => r[name]))),
    },
  };
}

/** The Open Inference Protocol's REST routes: health, server and model metadata, readiness, inference. */
export const openInferenceRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v2\/health\/live$/, endpoint: 'v2_health_live', handle: () => ({ json: { live: true } }) },
  { method: 'GET', pattern: /^\/v2\/health\/ready$/, endpoint: 'v2_health_ready', handle: () => ({ json: { ready: true } }) },
  { method: 'GET', pattern: /^\/v2\/?$/, endpoint: 'v2_server_metadata', handle: () => ({ json: { name: 'datakernel', version: serverVersion(), extensions: [] } }) },
  { method: 'GET', pattern: modelPath('v2', ''), endpoint: 'v2_model_metadata', handle: modelMetadata },
  { method: 'GET', pattern: modelPath('v2', '/ready'), endpoint: 'v2_model_ready', handle: modelReady },
  { method: 'POST', pattern: modelPath('v2', '/infer'), endpoint: 'v2_infer', handle: infer },
];
