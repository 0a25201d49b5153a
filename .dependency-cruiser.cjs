/**
 * dependency-cruiser configuration of the import-cycle check (`npm run check:cycles`): any cycle
 * between source files fails it, type-only imports included, since a cycle of types is still a
 * knot in the design. Workspace packages resolve to their TypeScript sources, and the `.js`
 * specifiers of ESM imports resolve to the `.ts` files beside them.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Source files must not import each other in a circle; split the shared part out.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
