import { badRequest } from './http-error.js';
import type { ServedVersion } from './model-repository.js';
import { isJsonObject, modelPath, servedModel, type Reply, type Route, type RouteRequest } from './route.js';
import { tfDtype, v2InputDatatype, v2OutputDatatype } from './tensor-types.js';
import { rowsFromColumns, validateRows } from './validate.js';

// TensorFlow Serving REST API: https://www.tensorflow.org/tfx/serving/api_rest

function modelStatus(request: RouteRequest): Reply {
  const target = servedModel(request);
  const versions = request.params.version === undefined ? request.repository.versions(target.model.name) : [target.version];
  return {
    json: {
      model_version_status: versions.map((v) => ({ version: v, state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } })),
    },
  };
}

const tensorInfo = (name: string, dtype: string) => ({
  dtype,
  tensor_shape: { dim: [{ size: '-1', name: '' }], unknown_rank: false },
  name,
});

function metadata(request: RouteRequest): Reply {
  const { model, version } = servedModel(request);
  const inputs = Object.fromEntries(model.inputSchema.map((f) => [f.name, tensorInfo(f.name, tfDtype(v2InputDatatype(f)))]));
  const outputs = Object.fromEntries(model.outputNames.map((n) => [n, tensorInfo(n, tfDtype(v2OutputDatatype(model, n)))]));
  return {
    json: {
      model_spec: { name: model.name, signature_name: '', version },
      metadata: {
        signature_def: {
          signature_def: { serving_default: { inputs, outputs, method_name: 'tensorflow/serving/predict' } },
        },
      },
    },
  };
}

/**
 * Rows from "instances" (row format): objects of features, lists of feature values in input-schema order
 * (a dense input tensor), or bare values when the model has one feature.
 */
function rowsFromInstances(target: ServedVersion, instances: unknown): unknown[] {
  if (!Array.isArray(instances)) throw badRequest('"instances" must be a list of rows');
  const schema = target.model.inputSchema;
  if (schema.length === 1 && instances.every((i) => !isJsonObject(i) && !Array.isArray(i))) return instances.map((value) => ({ [schema[0].name]: value }));
  return instances.map((instance, r) => {
    if (!Array.isArray(instance)) return instance;
    if (instance.length !== schema.length) {
      throw badRequest(`Instance ${r} has ${instance.length} values; the model takes ${schema.length} features in this order: ${schema.map((f) => f.name).join(', ')}`);
    }
    return Object.fromEntries(schema.map((f, j) => [f.name, instance[j]]));
  });
}

/** Rows from "inputs" (columnar format): `{feature: [values]}`, or one list when the model has one feature. */
function rowsFromInputs(target: ServedVersion, inputs: unknown): unknown[] {
  const schema = target.model.inputSchema;
  if (Array.isArray(inputs) && schema.length === 1) return inputs.map((value) => ({ [schema[0].name]: value }));
  if (!isJsonObject(inputs)) throw badRequest('"inputs" must be an object of feature name -> list of values');
  const columns: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(inputs)) {
    if (!Array.isArray(values)) throw badRequest(`Input '${name}' must be a list of values`);
    columns[name] = values;
  }
  return rowsFromColumns(columns);
}

async function predict(request: RouteRequest): Promise<Reply> {
  const target = servedModel(request);
  const body = await request.json();
  if (!isJsonObject(body)) throw badRequest('The request body must be a JSON object with "instances" or "inputs"');
  const hasInstances = body.instances !== undefined;
  if (hasInstances === (body.inputs !== undefined)) throw badRequest('Send exactly one of "instances" (row format) or "inputs" (columnar format)');
  const raw = hasInstances ? rowsFromInstances(target, body.instances) : rowsFromInputs(target, body.inputs);
  const results = await target.predict(validateRows(target.model.inputSchema, raw));
  const names = target.model.outputNames;
  if (hasInstances) {
    const predictions = names.length === 1 ? results.map((r) => r[names[0]]) : results.map((r) => Object.fromEntries(names.map((n) => [n, r[n]])));
    return { json: { predictions } };
  }
  const column = (n: string) => results.map((r) => r[n]);
  return { json: { outputs: names.length === 1 ? column(names[0]) : Object.fromEntries(names.map((n) => [n, column(n)])) } };
}

/** TF Serving's REST routes: model status, metadata and predict, with optional /versions/V. */
export const tfServingRoutes: Route[] = [
  { method: 'GET', pattern: modelPath('v1', ''), endpoint: 'v1_model_status', handle: modelStatus },
  { method: 'GET', pattern: modelPath('v1', '/metadata'), endpoint: 'v1_model_metadata', handle: metadata },
  { method: 'POST', pattern: modelPath('v1', ':predict'), endpoint: 'v1_predict', handle: predict },
];
