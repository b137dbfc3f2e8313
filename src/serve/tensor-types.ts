import type { FeatureSpec, ServableModel } from './servable.js';

/** An Open Inference Protocol tensor datatype. */
export type V2Datatype = 'BOOL' | 'INT64' | 'FP32' | 'BYTES';

const NUMERIC_V2 = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'FP16', 'FP32', 'FP64']);

/** The V2 datatype of a model input. */
export const v2InputDatatype = (feature: FeatureSpec): V2Datatype =>
  feature.type === 'number' ? 'FP32' : feature.type === 'boolean' ? 'BOOL' : 'BYTES';

/** True when a request tensor of `datatype` can carry values of the feature's type. */
export const v2DatatypeFits = (datatype: string, feature: FeatureSpec): boolean =>
  feature.type === 'number' ? NUMERIC_V2.has(datatype) : datatype === v2InputDatatype(feature);

/**
 * The V2 datatype of an output. The first output is the prediction: a class label (text, or a whole number
 * for numeric classes) or a regression value; the others are class probabilities.
 */
export function v2OutputDatatype(model: ServableModel, output: string): V2Datatype {
  if (output !== model.outputNames[0] || model.task === 'regression') return 'FP32';
  const label = model.label(0);
  return typeof label === 'string' ? 'BYTES' : Number.isInteger(label) ? 'INT64' : 'FP32';
}

const TF_DTYPES: Record<V2Datatype, string> = { FP32: 'DT_FLOAT', INT64: 'DT_INT64', BYTES: 'DT_STRING', BOOL: 'DT_BOOL' };

/** The TensorFlow DataType name (TF Serving metadata) of a V2 datatype. */
export const tfDtype = (datatype: V2Datatype): string => TF_DTYPES[datatype];
