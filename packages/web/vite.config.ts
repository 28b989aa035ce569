import { defineConfig } from 'vite';

// The page is a static site: relative asset URLs so the build output can be hosted under any path, and the
// committed programmer hex files are bundled as text (no fetch at run time: the page works offline once loaded).
export default defineConfig({
  root: 'src/page',
  base: './',
  build: {
    outDir: '../../dist/site',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  logLevel: 'warn',
});
