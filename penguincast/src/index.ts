/** Public surface of `@penguincast/server`: the single-process station factory. */
export * from './station.js';
