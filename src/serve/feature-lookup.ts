import { DataKernelError } from '../errors.js';
import type { FeatureView } from '../features/feature-view.js';
import { valueKind } from '../features/feature-view.js';
import type { OnlineFeatureReader } from '../features/online-reader.js';
import { HttpError } from './http-error.js';
import { validateRows } from './validate.js';
import type { FeatureSpec, ServableModel } from './servable.js';

/**
 * The model served so that requests carry only entity keys (plus request-time features): the features the
 * views hold are read from the online store, one pipeline per request batch, before the model predicts.
 * An entity a view lacks (and has no defaults for) gets 404 naming it; a store that cannot answer, 503.
 */
export function withFeatureLookup(model: ServableModel, reader: OnlineFeatureReader): ServableModel {
  const fromViews = reader.featureViews();
  const looked = model.inputSchema.filter((f) => fromViews.has(f.name));
  if (looked.length === 0) {
    throw new DataKernelError(
      `None of ${reader.views.map((v) => v.name).join(', ')} holds a feature of ${model.name}`,
      `The model takes ${model.inputSchema.map((f) => f.name).join(', ')}; the views hold ${[...fromViews.keys()].join(', ')}.`,
    );
  }
  const keys = new Map<string, FeatureView>();
  for (const feature of looked) keys.set(fromViews.get(feature.name)!.entity, fromViews.get(feature.name)!);
  const entitySpecs: FeatureSpec[] = [...keys].map(([entity, view]) => ({ name: entity, type: valueKind(view.types[entity]), required: true }));
  const requestTime = model.inputSchema.filter((f) => !fromViews.has(f.name) && !keys.has(f.name));
  const inputSchema = [...entitySpecs, ...requestTime, ...model.inputSchema.filter((f) => keys.has(f.name) && !entitySpecs.some((e) => e.name === f.name))];
  // Named fields, not a spread: a loaded model may keep its methods on a prototype.
  const entityKeys = (row: Record<string, unknown>) => Object.fromEntries([...keys.keys()].map((k) => [k, row[k]]));
  return {
    name: model.name,
    version: model.version,
    task: model.task,
    outputNames: model.outputNames,
    label: (point) => model.label(point),
    inputSchema,
    predictRows: (rows) => model.predictRows(rows),
    async completeRows(rows) {
      let online;
      try {
        online = await reader.read(rows);
      } catch (error) {
        throw new HttpError(503, `The feature store cannot answer: ${error instanceof Error ? error.message : String(error)}`);
      }
      const completed = rows.map((row, r) => {
        const { values, missing } = online[r];
        if (missing.length) {
          const view = reader.views.find((v) => v.name === missing[0])!;
          throw new HttpError(404, `No features for ${view.entity}=${JSON.stringify(row[view.entity])} in feature view ${view.name} (row ${r}): never materialized, or expired; send a known ${view.entity}, or declare defaults on the view`);
        }
        const full: Record<string, unknown> = { ...row };
        for (const feature of looked) full[feature.name] = values[feature.name];
        return full;
      });
      try {
        // Entity keys stay on the rows, so the input log says whose features were served.
        return validateRows(model.inputSchema, completed).map((features, r) => ({ ...entityKeys(rows[r]), ...features }));
      } catch (error) {
        throw new HttpError(422, `The online features do not fit the model: ${(error as Error).message}`);
      }
    },
    close: () => reader.close(),
  };
}
