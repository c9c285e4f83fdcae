/**
 * The signed-in user as GET /api/v1/me tells it, and what that lets the page show.
 * Pure functions, tested without a browser; every string is cleaned and bounded.
 */
import { ApiError, cleanText } from '../api/errors.js';

const MAX_NAME_CHARS = 128;
const MAX_GROUPS = 64;

/**
 * @typedef {object} User
 * @property {string} name
 * @property {string[]} groups
 * @property {boolean} admin a global admin (only a strict true counts)
 */

/**
 * Normalizes the engine's /me answer.
 * @param {unknown} data the parsed JSON
 * @returns {User}
 * @throws {ApiError} BAD_RESPONSE when it is not an object with a name
 */
export function normalizeUser(data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ApiError('BAD_RESPONSE', 'The engine\'s answer about the signed-in user is not an object.');
  }
  const name = cleanText(data.name, MAX_NAME_CHARS);
  if (!name) {
    throw new ApiError('BAD_RESPONSE', 'The engine did not name the signed-in user.');
  }
  const groups = Array.isArray(data.groups)
    ? data.groups.slice(0, MAX_GROUPS).map((g) => cleanText(g, MAX_NAME_CHARS)).filter(Boolean)
    : [];
  return { name, groups, admin: data.admin === true };
}

/**
 * Whether the Access and Audit tabs are shown: to a global admin, or to a user who holds
 * `admin` on at least one listed VM. The server checks every call again; this only hides
 * what would be refused.
 * @param {User|null} user
 * @param {{permissions: string[]}[]} vms normalized VMs
 */
export function mayAdminister(user, vms) {
  return Boolean(user?.admin) || vms.some((vm) => vm.permissions.includes('admin'));
}
