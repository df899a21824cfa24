import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Two entries: the staff app (index.html, served under /app/) and the public readout pages'
 * "Verify this readout" script (src/verify/verify-page.ts), which the server serves at
 * /public/verify.js from dist/public/verify.js. The verifier shares no module with the staff
 * app, so it is one self-contained file with a fixed name (no hash: the pages link it by name).
 */
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        verify: fileURLToPath(new URL('src/verify/verify-page.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'verify' ? 'public/verify.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/log': 'http://localhost:8080' } },
});
