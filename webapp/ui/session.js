/**
 * What a page takes from its address: the token (once, then kept in sessionStorage and
 * removed from the address bar so it is not bookmarked, shared or left in the history) and
 * the channels to show.
 * @module ui/session
 */

const TOKEN_KEY = 'livehub.token';
const CHANNEL = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

/**
 * @param {{location: {href: string}, history: History, storage: Storage}} page
 * @returns {string|null} the token from `?token=` (remembered) or from an earlier load of this tab
 */
export function takeToken({ location, history, storage }) {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given !== null) {
    if (given) storage.setItem(TOKEN_KEY, given);
    else storage.removeItem(TOKEN_KEY); // `?token=` with nothing: forget it
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return storage.getItem(TOKEN_KEY) || null;
}

/**
 * @param {{href: string}} location
 * @param {string[]} [always] channels shown whatever the address says
 * @returns {string[]} `always` plus the valid names of `?channels=a,b`, without repeats
 */
export function channelsFromQuery(location, always = ['events']) {
  const listed = new URL(location.href).searchParams.getAll('channels').flatMap((v) => v.split(','));
  return [...new Set([...always, ...listed.map((c) => c.trim()).filter((c) => CHANNEL.test(c))])];
}
