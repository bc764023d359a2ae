// Lint rules for the engine itself: eslint's and typescript-eslint's recommended sets, type-aware.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/", "dist/", "dist.staging-*/", "pipeline/sdk/", "examples/", "coverage/", "reports/", "scratch/", ".stryker-tmp/", "pipeline/vendor/*.js", "test/runtime/fixtures/", "test/projects/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // The root tsconfig for every file: pipeline/tsconfig.json is Dagger's looser template.
    languageOptions: { parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname } },
  },
  {
    // Tests read JSON fixtures and reports dynamically: asserting their shape is the test's job.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.js", "**/*.mjs"], languageOptions: { globals: { process: "readonly", URL: "readonly" } } },
);
