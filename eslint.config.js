// ESLint over the browser client (web/js) and its unit tests (web/test); `make js` runs it.
// web/vendor is third-party and never linted.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["web/vendor/**", "node_modules/**", ".venv/**", "data/**", "**/*.d.ts"],
  },
  js.configs.recommended,
  {
    files: ["web/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
  {
    files: ["web/test/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
  {
    rules: {
      // `_name` marks a parameter kept for its position (as tsc's noUnusedParameters allows).
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "error",
      "prefer-const": "error",
      // Text goes in with textContent (el's `text`), never parsed as HTML: server data and
      // what people type may hold anything.
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML"].map((property) => ({
          property,
          message: "Set textContent (el's `text`) instead: text is never parsed as HTML.",
        })),
        { object: "document", property: "write", message: "Build elements with el()." },
      ],
    },
  },
];
