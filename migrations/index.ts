import { InitialSchema1764160000000 } from './1764160000000-initial-schema';

/** Every migration, in order: the only way the schema changes. */
export const MIGRATIONS = [InitialSchema1764160000000];
