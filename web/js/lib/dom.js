// The DOM helpers every page shares. Every text goes in with textContent, never as HTML.

/**
 * The page's element with this id. The pages' markup is fixed and a missing id is a bug,
 * so the result is typed loosely: callers use it as the input, button, form or media
 * element the markup declares.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);
