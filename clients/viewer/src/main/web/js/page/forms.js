/**
 * Small browser helpers shared by the Access and Audit panels: reading a form, marking its
 * bad fields, status lines, and a debounce for filters typed into.
 */
import { ApiError } from '../api/errors.js';

/** The text for a failed call: the engine's message and status, or `fallback` for anything else. */
export function errorLine(error, fallback) {
  return error instanceof ApiError ? `${error.message} [${error.status}]` : fallback;
}

/** The named fields of a form as trimmed-later strings ({name: value}). */
export function formValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (field.name) {
      values[field.name] = String(field.value ?? '');
    }
  }
  return values;
}

/**
 * Marks the fields named in `errors` (aria-invalid) and writes the messages to `line`.
 * @param {HTMLFormElement} form
 * @param {Record<string, string>} errors field name → message; empty clears the marks
 * @param {HTMLElement} line
 */
export function showFieldErrors(form, errors, line) {
  for (const field of form.elements) {
    if (field.name) {
      field.toggleAttribute('aria-invalid', Object.hasOwn(errors, field.name));
    }
  }
  line.textContent = Object.entries(errors).map(([name, message]) => `${name}: ${message}`).join(' ');
}

/** Sets a status line's text and data-state (loading / ok / error / idle). */
export function setStatus(line, state, text) {
  line.dataset.state = state;
  line.textContent = text;
}

/** Calls `fn` once `ms` after the last call (typing in a filter field). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
