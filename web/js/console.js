// Entry of /console: the staff console. Who is logged in, the hearings of a day, scheduling
// a hearing; one hearing's participants and join links are in console-hearing.js.
//
// The view follows the URL fragment (#day=YYYY-MM-DD or #hearing=<id>), so the browser's Back
// button and bookmarks work. Nothing typed is thrown away on an error: a form is cleared only
// once the server accepted it, and a refusal is shown next to the form that caused it.

import { api } from "./console-api.js";
import { ApiError, whenLoggedOut } from "./lib/http.js";
import {
  badge,
  field,
  fillTable,
  loadingRow,
  report,
  showError,
  startOf,
  submitting,
  text,
  timeSpan,
} from "./console-dom.js";
import { HearingView } from "./console-hearing.js";
import { fillLanguages, fillPeople, loadBench, personName } from "./console-bench.js";
import { loadCourt } from "./lib/court.js";
import {
  addDays,
  clock,
  courtZone,
  dayOf,
  dayRange,
  formatDay,
  formatDateTime,
  instantOf,
  today,
} from "./lib/wall-time.js";
import { $, el } from "./lib/dom.js";
import { createStore } from "./lib/store.js";
import { stateLabel } from "./lib/terms.js";

const isDay = (day) => instantOf(day) !== null;

const COURT_KEY = "courtroom.console.court"; // the court last scheduled for, as a default
const STAFF_ROLE_LABELS = {
  administrator: "Administrator",
  judge: "Judge",
  clerk: "Court clerk",
  archivist: "Archivist",
};

/**
 * What the console shows and remembers between its views; changed only by `desk.update`,
 * in this module.
 * @typedef {object} ConsoleState
 * @property {any} account the logged-in account, as the session describes it ({} if unknown)
 * @property {string} day the day whose hearings are listed (YYYY-MM-DD, the court's)
 * @property {any[]} hearings that day's hearings
 * @property {number} loads counts the day's loads: a slow answer for an earlier day never
 *   overwrites a newer one
 * @property {string | null} returnTo the hearing whose link gets focus when its day is shown
 *   again
 * @property {boolean} keepFlash the flash message was set for the view being navigated to
 * @property {any} court GET /api/v1/court: name, time zone, languages
 * @property {any} bench the judges and clerks, once loaded (for their names in the day's list)
 * @property {string} confirmedCase a case number the clerk chose to schedule again despite
 *   the warning
 */

const desk = createStore(
  /** @type {ConsoleState} */ ({
    account: null,
    day: today(),
    hearings: [],
    loads: 0,
    returnTo: null,
    keepFlash: false,
    court: null,
    bench: null,
    confirmedCase: "",
  }),
);

// A new load of the day's list, or of another view: the number an answer must still carry.
function nextLoad() {
  return /** @type {number} */ (desk.update(({ loads }) => ({ loads: loads + 1 })).loads);
}

// One hearing's participants and links (console-hearing.js), made once for the page.
const hearingView = new HearingView({
  can,
  flash,
  nameOf: (username) => personName(desk.state.bench, username),
  account: () => desk.state.account,
  onHearing: (hearing) => {
    // Back to the list of its day, with its link in focus.
    desk.update({
      ...(hearing.scheduled_start ? { day: dayOf(hearing.scheduled_start) } : {}),
      returnTo: hearing.id,
    });
  },
});

// ---- the account ----------------------------------------------------------------------------

// What the logged-in person may do, as the session lists it. The server decides anyway; this
// only keeps out of sight what it would refuse.
function can(permission) {
  const { account } = desk.state;
  const permissions = account && account.permissions;
  return !Array.isArray(permissions) || permissions.includes(permission);
}

function showAccount(account) {
  desk.update({ account: account || {} });
  const shown = desk.state.account;
  $("account-name").textContent = shown.display_name || shown.username || "";
  $("account-role").textContent = STAFF_ROLE_LABELS[shown.role] || shown.role || "";
  $("account").hidden = false;
  $("new-hearing-button").hidden = !can("schedule_hearings");
  $("audit-link").hidden = !(Array.isArray(shown.permissions) && can("read_audit"));
  $("archive-link").hidden = !(Array.isArray(shown.permissions) && can("read_archive"));
}

async function logOut() {
  $("logout-button").disabled = true;
  try {
    await api.logout();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      $("logout-button").disabled = false;
      showError("console-alert", err);
      return;
    }
  }
  window.location.assign("/login");
}

function sessionEnded() {
  const link = el("a", {
    text: "Log in again in a new tab",
    attrs: { href: "/login", target: "_blank", rel: "noopener" },
  });
  $("console-alert").replaceChildren(
    "Your session has ended, so the court server refused the last action. ",
    link,
    ", then come back here and repeat it: what you typed is still here.",
  );
  $("console-alert").hidden = false;
}

// ---- views ------------------------------------------------------------------------------------

function route() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const hearingId = params.get("hearing");
  if (hearingId) {
    switchTo("hearing");
    hearingView.show(hearingId);
    return;
  }
  const day = params.get("day");
  desk.update({ day: isDay(day) ? day : today() });
  switchTo("day");
  showDay();
}

function go(fragment) {
  if (window.location.hash === `#${fragment}`) {
    route();
  } else {
    window.location.hash = fragment;
  }
}

function switchTo(view) {
  $("day-view").hidden = view !== "day";
  $("hearing-view").hidden = view !== "hearing";
  $("console-alert").hidden = true;
  if (!desk.state.keepFlash) {
    flash("");
  }
  desk.update({ keepFlash: false });
  if (view === "hearing") {
    nextLoad(); // the day's list may still be loading: drop it
  } else {
    hearingView.leave();
  }
}

function flash(message) {
  $("console-flash").textContent = message;
  $("console-flash").hidden = !message;
}

// ---- the hearings of a day --------------------------------------------------------------------

async function showDay() {
  const { day } = desk.state;
  const isToday = day === today();
  document.title = "Hearings — Courtroom staff console";
  $("day-heading").textContent = isToday ? "Today's hearings" : `Hearings on ${formatDay(day)}`;
  $("day-date").textContent = isToday ? formatDay(day) : "";
  $("day-date").hidden = !isToday;
  $("hearings-caption").textContent = `Hearings on ${formatDay(day)}`;
  $("day-picker").value = day;
  $("day-today").disabled = isToday;
  $("day-zone").textContent = `Times are the court's, in ${courtZone()}, on a 24-hour clock.`;
  $("hearings-error").hidden = true;

  const load = nextLoad();
  $("hearings-body").replaceChildren(loadingRow(6, "Loading hearings…"));
  $("hearings-empty").hidden = true;
  try {
    const data = await api.hearings(dayRange(day));
    if (load === desk.state.loads) {
      desk.update({ hearings: data.hearings || [] });
      renderHearings();
    }
  } catch (err) {
    if (load === desk.state.loads) {
      $("hearings-body").replaceChildren();
      report(err, "hearings-error");
    }
  }
}

function renderHearings() {
  const { hearings, bench, returnTo } = desk.state;
  const rows = hearings.map((hearing) => {
    const link = el("a", {
      className: "case-link",
      text: hearing.case_number,
      attrs: { href: `#hearing=${encodeURIComponent(hearing.id)}` },
    });
    link.dataset.hearingId = hearing.id;
    const place = el("td", {}, [el("span", { text: hearing.court })]);
    if (hearing.courtroom) {
      place.append(el("span", { className: "cell-sub", text: hearing.courtroom }));
    }
    const row = el("tr", { className: `hearing-row hearing-row--${hearing.state}` }, [
      el("td", { className: "cell-time", text: timeSpan(hearing) }),
      el("th", { attrs: { scope: "row" } }, [link]),
      el("td", { text: hearing.title }),
      place,
      el("td", { text: personName(bench, hearing.presiding_judge) }),
      el("td", {}, protocolLink(hearing)),
    ]);
    row.dataset.hearingId = hearing.id;
    return row;
  });
  fillTable($("hearings-body"), rows);
  $("hearings-empty").hidden = rows.length > 0;
  if (returnTo) {
    const selector = `a.case-link[data-hearing-id="${CSS.escape(returnTo)}"]`;
    desk.update({ returnTo: null });
    const link = /** @type {HTMLElement | null} */ (document.querySelector(selector));
    if (link) {
      link.focus();
    }
  }
}

// The state, and for those who sign protocols (the judge and the clerk) a way to the
// hearing's protocol: reviewed, signed and corrected on a page of its own.
function protocolLink(hearing) {
  if (!can("sign_protocol")) {
    return [badge(hearing.state)];
  }
  const link = el("a", {
    className: "cell-sub protocol-link",
    text: "Protocol",
    attrs: {
      href: `/hearings/${encodeURIComponent(hearing.id)}/protocol`,
      "aria-label": `Protocol of ${hearing.case_number}`,
    },
  });
  return [badge(hearing.state), link];
}

function chooseDay(day) {
  if (isDay(day)) {
    go(`day=${day}`);
  }
}

// ---- scheduling a hearing ---------------------------------------------------------------------

function openNewHearing() {
  const form = $("hearing-form");
  if ($("new-hearing").hidden) {
    $("new-hearing").hidden = false;
    $("new-hearing-button").setAttribute("aria-expanded", "true");
    if (!field(form, "date").value) {
      field(form, "date").value = desk.state.day;
    }
    if (!field(form, "court").value) {
      // The court's own name (COURTROOM_COURT_NAME), else the one last scheduled for.
      const { court } = desk.state;
      field(form, "court").value = (court && court.name) || localStorage.getItem(COURT_KEY) || "";
    }
    $("hf-zone").textContent =
      `The date and start time are the court's, in ${courtZone()} (24-hour clock).`;
    fillChoices(form).catch((err) => report(err, "hearing-form-error"));
  }
  field(form, "case_number").focus();
}

// The judges, clerks and languages to choose from; the clerk who schedules is the default.
async function fillChoices(form) {
  const judge = field(form, "presiding_judge");
  const clerk = field(form, "clerk");
  const language = field(form, "language");
  const [bench] = await Promise.all([
    loadBench(),
    fillLanguages(language, language.value || ""),
  ]);
  desk.update({ bench });
  const { account } = desk.state;
  const own = account && account.role === "judge" ? account.username : "";
  fillPeople(judge, bench.judges, judge.value || own, "Choose the judge");
  const me = account && account.role === "clerk" ? account.username : "";
  fillPeople(clerk, bench.clerks, clerk.value || me, "Choose the clerk");
  // A court without clerk accounts (yet) can still schedule: its judges then do.
  clerk.required = bench.clerks.length > 0;
}

// Other hearings of the same case number, unless the clerk already confirmed this one: a
// case has several sittings, so it is a question, not a refusal.
async function duplicateWarning(caseNumber) {
  if (desk.state.confirmedCase === caseNumber) {
    return false;
  }
  const found = (await api.hearingsOfCase(caseNumber)).hearings || [];
  const box = $("hf-duplicate");
  if (found.length === 0) {
    box.hidden = true;
    return false;
  }
  box.replaceChildren(
    el("p", {
      text:
        `Case ${caseNumber} already has ${found.length === 1 ? "a hearing" : `${found.length} hearings`}:`,
    }),
    el(
      "ul",
      {},
      found.map((h) =>
        el("li", {
          text:
            `${h.scheduled_start ? formatDateTime(h.scheduled_start) : "not scheduled"} — ` +
            `${h.title} (${stateLabel(h.state)})`,
        }),
      ),
    ),
    el("p", {
      text: "If this is another sitting of the same case, press “Schedule anyway”.",
    }),
  );
  box.hidden = false;
  desk.update({ confirmedCase: caseNumber });
  scheduleButton().textContent = "Schedule anyway";
  return true;
}

function scheduleButton() {
  return /** @type {HTMLButtonElement} */ ($("hearing-form").querySelector('button[type="submit"]'));
}

// The question about a case number is answered or moot: the form asks anew next time.
function forgetDuplicate() {
  $("hf-duplicate").hidden = true;
  desk.update({ confirmedCase: "" });
  scheduleButton().textContent = "Schedule hearing";
}

function closeNewHearing() {
  $("new-hearing").hidden = true;
  $("new-hearing-button").setAttribute("aria-expanded", "false");
  $("new-hearing-button").focus();
}

async function scheduleHearing(form) {
  await submitting(form, "hearing-form-error", async () => {
    const body = {
      case_number: text(form, "case_number"),
      title: text(form, "title"),
      court: text(form, "court"),
      presiding_judge: field(form, "presiding_judge").value,
      scheduled_start: startOf(form),
      duration_minutes: Number(field(form, "duration_minutes").value),
      language: field(form, "language").value,
    };
    if (text(form, "courtroom")) {
      body.courtroom = text(form, "courtroom");
    }
    if (field(form, "clerk").value) {
      body.clerk = field(form, "clerk").value;
    }
    if (body.case_number && (await duplicateWarning(body.case_number))) {
      return; // asked; a second press schedules it
    }
    const hearing = await api.createHearing(body);
    forgetDuplicate();
    try {
      localStorage.setItem(COURT_KEY, body.court);
    } catch {
      // Storage may be disabled: the court is then typed each time.
    }
    form.reset();
    $("new-hearing").hidden = true;
    $("new-hearing-button").setAttribute("aria-expanded", "false");
    flash(
      `Hearing ${hearing.case_number} scheduled for ${formatDay(dayOf(hearing.scheduled_start))} ` +
        `at ${clock(hearing.scheduled_start)} (${courtZone()}). Add its participants below.`,
    );
    desk.update({ keepFlash: true });
    go(`hearing=${encodeURIComponent(hearing.id)}`);
  });
}

// ---- start -------------------------------------------------------------------------------------

function bind() {
  $("logout-button").addEventListener("click", () => logOut());
  $("day-picker").addEventListener("change", (event) => chooseDay(event.target.value));
  $("day-prev").addEventListener("click", () => chooseDay(addDays(desk.state.day, -1)));
  $("day-next").addEventListener("click", () => chooseDay(addDays(desk.state.day, 1)));
  $("day-today").addEventListener("click", () => chooseDay(today()));
  $("new-hearing-button").addEventListener("click", openNewHearing);
  $("hearing-form-close").addEventListener("click", closeNewHearing);
  $("hearing-form").addEventListener("input", (event) => {
    if (/** @type {HTMLInputElement} */ (event.target).name === "case_number") {
      forgetDuplicate(); // a new number is asked about anew
    }
  });
  $("hearing-form").addEventListener("submit", (event) => {
    event.preventDefault();
    scheduleHearing(event.currentTarget);
  });
  for (const form of document.querySelectorAll("form")) {
    // A field marked invalid by the server's answer is fixed by typing in it.
    form.addEventListener("input", (event) =>
      /** @type {Element} */ (event.target).removeAttribute("aria-invalid"),
    );
  }
  window.addEventListener("hashchange", route);
}

async function main() {
  bind();
  /** @type {import("./lib/rest-types.js").Session} */
  let account;
  try {
    account = await api.session();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace("/login");
      return;
    }
    $("console-loading").hidden = true;
    showError("console-alert", err);
    return;
  }
  if (account && (account.must_change_password || account.must_enrol_second_factor)) {
    window.location.replace("/account"); // the server refuses the rest until it changes
    return;
  }
  whenLoggedOut(sessionEnded);
  try {
    desk.update({ court: await loadCourt() }); // before any time is shown: the court's zone
  } catch (err) {
    showError("console-alert", err);
  }
  showAccount(account);
  if (can("schedule_hearings")) {
    // Judges and clerks by name in the lists; without it, their usernames.
    desk.update({ bench: await loadBench().catch(() => null) });
  }
  $("console-loading").hidden = true;
  route();
}

main();
