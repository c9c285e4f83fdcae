/**
 * What the page does when the engine answers 401 SIGN_IN_REQUIRED: reload, which sends the
 * browser through Keycloak's sign-in. A second 401 soon after a reload means signing in does
 * not help (a misconfigured server); the page then stops reloading, so it never loops.
 */

export const RELOAD_GUARD_MS = 30_000;
const KEY = 'porthole.signInReloadAt';

/**
 * @param {{getItem: (k: string) => string|null, setItem: (k: string, v: string) => void}} storage sessionStorage
 * @param {() => void} reload
 * @param {() => number} [now]
 * @returns {() => boolean} call on 401; true when it reloaded
 */
export function createSignInReload(storage, reload, now = Date.now) {
  let done = false;
  return () => {
    if (done) {
      return false;
    }
    const last = Number(safeGet(storage, KEY));
    if (Number.isFinite(last) && last > 0 && now() - last < RELOAD_GUARD_MS) {
      return false;
    }
    done = true;
    safeSet(storage, KEY, String(now()));
    reload();
    return true;
  };
}

function safeGet(storage, key) {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function safeSet(storage, key, value) {
  try {
    storage?.setItem(key, value);
  } catch {
    // Storage disabled: the reload still happens once per page load.
  }
}
