import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Two builds (scripts/build.mjs runs both):
 * - the staff app (index.html, served under /app/);
 * - with HOTLINE_WEB_ENTRY=verify, the public readout pages' "Verify this readout" script
 *   (src/verify/verify-page.ts), which the server serves at /public/verify.js from
 *   dist/public/verify.js: one self-contained file with a fixed name (the pages link it by name),
 *   every import inlined. It is built on its own so that it never shares a chunk with the staff app
 *   (the Messages screen uses the same hash and signature libraries), whose chunks the public
 *   site does not serve.
 */
const verifyOnly = process.env.HOTLINE_WEB_ENTRY === 'verify';

export default defineConfig({
  base: '/app/',
  plugins: verifyOnly ? [] : [react()],
  build: verifyOnly
    ? {
        outDir: 'dist/public',
        emptyOutDir: false,
        sourcemap: true,
        modulePreload: { polyfill: false },
        rollupOptions: {
          input: { verify: fileURLToPath(new URL('src/verify/verify-page.ts', import.meta.url)) },
          output: { entryFileNames: 'verify.js', codeSplitting: false },
        },
      }
    : {
        outDir: 'dist',
        emptyOutDir: true,
        sourcemap: true,
        modulePreload: { polyfill: false },
        rollupOptions: {
          input: { app: fileURLToPath(new URL('index.html', import.meta.url)) },
        },
      },
  server: { proxy: { '/api': 'http://localhost:8080', '/log': 'http://localhost:8080' } },
});
