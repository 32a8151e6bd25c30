/**
 * REST calls of the pages, with `Authorization: Bearer` when there is a token and none
 * otherwise. A failure throws an Error whose message is the problem+json `detail`.
 * @module ui/api
 */

/**
 * @param {string|null} token
 * @param {typeof fetch} [fetchFn]
 */
export function createApi(token, fetchFn = (...args) => globalThis.fetch(...args)) {
  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetchFn(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: an HTML error page of a proxy, say
    }
    if (!res.ok) {
      const detail = json?.detail ?? json?.title ?? `${res.status} ${res.statusText}`.trim();
      throw Object.assign(new Error(detail), { status: res.status });
    }
    return json;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    del: (path) => call('DELETE', path),
  };
}

/** @param {Error & {status?: number}} error @returns {string} a sentence for the page */
export function explain(error) {
  if (error.status === 401) return 'The server wants a token: open the page with ?token=…';
  if (error.status === 403) return 'The token does not allow this.';
  return error.message || 'The server could not be reached.';
}
