import { describe, expect, it } from 'vitest';
import { absoluteUrl, apiBase, apiUrl, describeBase } from '../src/api/baseUrl.js';

describe('apiBase', () => {
  it('uses VITE_API_BASE_URL without its trailing slashes', () => {
    expect(apiBase({ VITE_API_BASE_URL: 'https://api.example.com/' })).toBe(
      'https://api.example.com',
    );
    expect(apiBase({ VITE_API_BASE_URL: '  https://api.example.com/v2//  ' })).toBe(
      'https://api.example.com/v2',
    );
  });

  it('falls back to the same origin when unset or blank', () => {
    expect(apiBase({})).toBe('');
    expect(apiBase({ VITE_API_BASE_URL: '   ' })).toBe('');
    expect(apiBase(undefined)).toBe('');
  });
});

describe('apiUrl', () => {
  it('joins the base and the path', () => {
    expect(apiUrl('/api/info', 'https://api.example.com')).toBe('https://api.example.com/api/info');
    expect(apiUrl('/api/info', '')).toBe('/api/info');
  });
});

describe('absoluteUrl', () => {
  it('resolves a same-origin path against the page', () => {
    expect(absoluteUrl('/api/info', 'http://localhost:5173')).toBe(
      'http://localhost:5173/api/info',
    );
    expect(absoluteUrl('https://x.example/api/info', 'http://localhost:5173')).toBe(
      'https://x.example/api/info',
    );
  });
});

describe('describeBase', () => {
  it('says how the URL was chosen', () => {
    expect(describeBase({ VITE_API_BASE_URL: 'https://a.example' })).toMatch(/VITE_API_BASE_URL/);
    expect(describeBase({ DEV: true })).toMatch(/localhost:8000/);
    expect(describeBase({ DEV: false })).toMatch(/same origin/);
  });
});
