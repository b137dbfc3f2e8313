import type { FeatureView } from './feature-view.js';

/**
 * Redis layout of a view: one hash per entity and version (`PREFIXview:VERSION:ENTITY`), a pointer to the version
 * readers use (`PREFIXview:current`), a counter handing out versions, and the current version's meta hash.
 * A full materialize writes a new version and flips the pointer, so readers never see a half-written one.
 */
export const onlineKeys = (view: Pick<FeatureView, 'name' | 'keyPrefix'>) => {
  const base = `${view.keyPrefix}${view.name}:`;
  return {
    base,
    current: `${base}current`,
    versions: `${base}versions`,
    meta: `${base}meta`,
    entity: (version: number | string, entity: string) => `${base}${version}:${entity}`,
    versionPrefix: (version: number | string) => `${base}${version}:`,
  };
};

/** Event time (epoch ms) of a value, kept in each hash beside the features. */
export const EVENT_TIME_FIELD = '_ts';
