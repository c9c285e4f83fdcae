/**
 * Keeps a list on screen in step with the newest request for it.
 *
 * List loads overlap (a filter changes while an earlier load is still on the wire). Each
 * load takes a sequence number; an answer that is not from the newest load is dropped, so
 * an older response can never render over a newer one. An answer equal to what is shown
 * (compared as JSON) is not rendered again, so elements held by a reader (or a Selenium
 * test) stay the same nodes.
 *
 * Threading: browser main thread only.
 */
export class LatestList {
  #load;
  #render;
  #onError;
  #onFresh;
  #sequence = 0;
  #shown = null;

  /**
   * @param {object} deps
   * @param {(params: unknown) => Promise<unknown>} deps.load fetches and normalizes the data
   * @param {(data: unknown, params: unknown) => void} deps.render draws it (only with new data)
   * @param {(error: unknown) => void} [deps.onError] reports a failed newest load
   * @param {(data: unknown, params: unknown) => void} [deps.onFresh] gets every newest answer,
   *   rendered or unchanged (status lines, other panels that use the same data)
   */
  constructor({ load, render, onError = () => {}, onFresh = () => {} }) {
    this.#load = load;
    this.#render = render;
    this.#onError = onError;
    this.#onFresh = onFresh;
  }

  /**
   * Loads with these parameters.
   * @returns {Promise<'rendered'|'unchanged'|'stale'|'failed'>} what became of the answer
   */
  async reload(params) {
    const sequence = ++this.#sequence;
    let data;
    try {
      data = await this.#load(params);
    } catch (error) {
      if (sequence !== this.#sequence) {
        return 'stale';
      }
      this.#onError(error);
      return 'failed';
    }
    if (sequence !== this.#sequence) {
      return 'stale';
    }
    const json = JSON.stringify({ params, data });
    const changed = json !== this.#shown;
    if (changed) {
      this.#shown = json;
      this.#render(data, params);
    }
    this.#onFresh(data, params);
    return changed ? 'rendered' : 'unchanged';
  }

  /** Forgets what is shown, so the next answer renders even when equal (after the page cleared the list). */
  invalidate() {
    this.#shown = null;
  }
}
