import { defineConfig } from 'vite';

// Plain React JSX (automatic runtime) via Vite's built-in transformer: no
// @vitejs/plugin-react needed. The Rust server serves dist/ at '/', and the
// page is also served at /share/<token>, so asset URLs must be absolute ('/').
const backend = process.env.BACKEND_URL || 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco's core chunk is large by nature; it is lazy-loaded.
    chunkSizeWarningLimit: 4096,
    // Keep the HTML free of inline scripts (CSP: script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
