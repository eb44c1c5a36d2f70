import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In `npm run dev` the UI calls its own origin and Vite forwards the API routes to the backend
// on http://localhost:8000, so no CORS set-up is needed; VITE_API_BASE_URL overrides that.
const BACKEND = 'http://localhost:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': BACKEND, '/v1': BACKEND },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./test/setup.js'],
    include: ['test/**/*.test.{js,jsx}'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
