// The schema validator scripts/build-schema.mjs precompiles (dist/compose/schema-validator.js).
// scripts/build-bundle.mjs replaces this module with that file when it bundles the CLI, so
// the validator is part of the bundle (and of its code cache) and the schema is not compiled
// at every start. Running from src/ (vitest) there is none: validate.ts compiles the schema.
export const precompiledValidator: unknown = undefined;
