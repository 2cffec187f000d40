// ESLint flat config for the web page: `npm run lint` (eslint . --max-warnings 0).
// Browser code in src/ gets the recommended rules of ESLint, eslint-plugin-react,
// eslint-plugin-react-hooks and eslint-plugin-jsx-a11y; the node scripts (e2e/, test/,
// vite.config.js, this file) get ESLint's recommended rules with node globals.
import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{js,jsx}'],
    ...react.configs.flat.recommended,
    ...react.configs.flat['jsx-runtime'],
    plugins: { react, 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: globals.browser,
    },
    settings: { react: { version: 'detect' } },
    rules: {
      ...react.configs.flat.recommended.rules,
      ...react.configs.flat['jsx-runtime'].rules,
      ...reactHooks.configs.flat.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      // The page is plain JSX without TypeScript or PropTypes: props are documented by
      // their components' opening comments, and prop-types would add a runtime dependency.
      'react/prop-types': 'off',
    },
  },
  {
    files: ['e2e/**/*.mjs', 'test/**/*.mjs', '*.config.js'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.node },
  },
  {
    // The e2e spec's page.evaluate / waitForFunction callbacks run in the browser.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
