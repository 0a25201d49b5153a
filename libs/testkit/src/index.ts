/** Public surface of `@penguincast/testkit`: real servers, real sources and listeners for tests. */
export {};
