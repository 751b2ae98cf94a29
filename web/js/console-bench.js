// The choices of the scheduling forms: the court's judges and clerks (staff accounts, from
// GET /api/v1/court/bench) and the languages of the court (GET /api/v1/court). A hearing is
// scheduled with people who exist, by name, never with a typed username.

import { api } from "./console-api.js";
import { loadCourt } from "./lib/court.js";
import { el } from "./lib/dom.js";

/** @typedef {import("./lib/rest-types.js").BenchMember} BenchMember */
/** @typedef {import("./lib/rest-types.js").Bench} Bench */

/** @type {Promise<Bench> | null} */
let bench = null;

/** The active judges and clerks, asked once per page (again after a failure). */
export function loadBench() {
  if (!bench) {
    bench = api.bench();
    bench.catch(() => {
      bench = null;
    });
  }
  return /** @type {Promise<Bench>} */ (bench);
}

/**
 * Fill a select with people; `current` stays chosen, and stays offered even if its account
 * has gone (a hearing scheduled with a judge who has since left shows who it was).
 * @param {HTMLSelectElement} select
 * @param {BenchMember[]} people
 * @param {string} current the username chosen, or ""
 * @param {string} prompt the first, empty choice ("Choose the judge"); "" for none
 */
export function fillPeople(select, people, current, prompt) {
  const options = [];
  if (prompt) {
    options.push(el("option", { text: prompt, attrs: { value: "" } }));
  }
  for (const person of people) {
    options.push(
      el("option", {
        text: person.display_name || person.username,
        attrs: { value: person.username },
      }),
    );
  }
  if (current && !people.some((p) => p.username === current)) {
    options.push(el("option", { text: `${current} (no active account)`, attrs: { value: current } }));
  }
  select.replaceChildren(...options);
  select.value = current;
}

/**
 * Fill a select with the court's languages; a hearing's other language stays offered.
 * @param {HTMLSelectElement} select
 * @param {string} current
 */
export async function fillLanguages(select, current) {
  const court = await loadCourt();
  const options = court.languages.map((language) =>
    el("option", { text: language.name, attrs: { value: language.code } }),
  );
  if (current && !court.languages.some((l) => l.code === current)) {
    options.push(el("option", { text: current, attrs: { value: current } }));
  }
  select.replaceChildren(...options);
  select.value = current || court.languages[0].code;
}

/**
 * The name of a staff username, if the bench knows it.
 * @param {Bench | null} known
 * @param {string} username
 */
export function personName(known, username) {
  if (!known || !username) {
    return username;
  }
  const found = [...known.judges, ...known.clerks].find((p) => p.username === username);
  return found ? found.display_name || username : username;
}
