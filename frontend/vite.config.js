import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In `npm run dev` and `npm run preview` the UI calls its own origin and Vite forwards the API
// routes to the backend on http://localhost:8000 (no CORS set-up); VITE_API_BASE_URL overrides.
const BACKEND = 'http://localhost:8000';
const PROXY = { '/api': BACKEND, '/v1': BACKEND };

export default defineConfig({
  plugins: [react()],
  server: { proxy: PROXY },
  preview: { proxy: PROXY },
  test: {
    environment: 'jsdom',
    setupFiles: ['./test/setup.js'],
    include: ['test/**/*.test.{js,jsx}'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
