import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The runner serves the built canvas from its class path at /; relative asset paths keep it movable.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:8090' } },
  test: { environment: 'node' },
});
