import { describeBase } from '../api/baseUrl.js';

/** What to check when the API cannot be reached: the URL tried and the seed's advice. */
export function Troubleshooting({ url }) {
  return (
    <div className="troubleshooting">
      {url && (
        <p>
          Tried <code>{url}</code> ({describeBase()}).
        </p>
      )}
      <p>
        Double-check that the backend is running (<code>make run</code> or{' '}
        <code>mini-reasoner serve</code>) and that <code>VITE_API_BASE_URL</code> matches the
        reachable URL (including <code>https://</code> in production).
      </p>
    </div>
  );
}
