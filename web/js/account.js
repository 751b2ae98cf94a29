// Entry of /account: change one's own password, see and end one's own sessions, and for a
// clerk see the courts they are assigned to; for an administrator also every staff account,
// with reset, disable, enable, sessions and a clerk's courts.
//
// The server decides who may do what; this page only hides what it would refuse.

import { $, el, sentence } from "./lib/dom.js";
import { ApiError, call, whenLoggedOut } from "./lib/http.js";
import { loadCourt } from "./lib/court.js";
import { formatDateTimeNamed } from "./lib/wall-time.js";

const STAFF_ROLE_LABELS = Object.freeze({
  administrator: "Administrator",
  judge: "Judge",
  clerk: "Clerk",
  archivist: "Archivist",
});

/** @typedef {import("./lib/rest-types.js").Account} Account */
/** @typedef {import("./lib/rest-types.js").Session} Session */

/** @type {{me: Session | null}} */
const state = { me: null };

/**
 * The signed-in account as a change to it left it (the server answers the account, not the
 * session it is seen through).
 * @param {Account} account
 * @param {Partial<Session>} [also]
 */
function updateMe(account, also = {}) {
  if (state.me !== null) {
    state.me = { ...state.me, ...account, ...also };
  }
}

/** @param {string} iso */
function when(iso) {
  return formatDateTimeNamed(iso);
}

/** @param {string} text */
function flash(text) {
  const box = $("account-flash");
  box.textContent = text;
  box.hidden = false;
}

/** @param {unknown} err */
function showError(err) {
  const box = $("account-alert");
  box.textContent = err instanceof ApiError ? sentence(err.detail) : String(err);
  box.hidden = false;
}

function clearMessages() {
  $("account-alert").hidden = true;
  $("account-flash").hidden = true;
}

// ---- own password ---------------------------------------------------------------------

/** @param {SubmitEvent} event */
async function changePassword(event) {
  event.preventDefault();
  clearMessages();
  const box = $("password-error");
  box.hidden = true;
  const current = $("current-password").value;
  const fresh = $("new-password").value;
  /** @param {string} text */
  const refuse = (text) => {
    box.textContent = text;
    box.hidden = false;
  };
  if (!current || !fresh) {
    refuse("Enter your current password and the new one.");
    return;
  }
  if (fresh.length < 12) {
    refuse("The new password must have at least 12 characters.");
    return;
  }
  if (fresh !== $("repeat-password").value) {
    refuse("The two new passwords differ.");
    return;
  }
  $("password-button").disabled = true;
  try {
    const changed = await call("PUT /api/v1/session/password", {
      body: { current_password: current, new_password: fresh },
    });
    updateMe(changed);
  } catch (err) {
    refuse(err instanceof ApiError ? sentence(err.serverDetail || err.detail) : String(err));
    return;
  } finally {
    $("password-button").disabled = false;
  }
  /** @type {HTMLFormElement} */ ($("password-form")).reset();
  $("must-change").hidden = true;
  flash("Your password has been changed. Your other sessions have ended.");
  await showPage();
}

// ---- the second factor -----------------------------------------------------------------

/** @param {string} text */
function totpError(text) {
  const box = $("totp-error");
  box.textContent = text;
  box.hidden = !text;
}

function showTotp() {
  const me = state.me;
  if (me === null) return;
  const on = Boolean(me.totp_enabled);
  $("totp-state").textContent = on
    ? "On: logging in needs your password and a code from your authenticator app."
    : "Off: logging in needs your password only.";
  $("totp-start").hidden = on;
  $("totp-disable-form").hidden = !on || Boolean(me.must_enrol_second_factor);
  if (on) $("totp-enable-form").hidden = true;
}

let proposedSecret = "";

async function startTotp() {
  clearMessages();
  totpError("");
  const proposed = await call("POST /api/v1/session/totp");
  proposedSecret = proposed.secret;
  $("totp-secret").textContent = proposed.secret.replace(/(.{4})/g, "$1 ").trim();
  $("totp-uri").href = proposed.uri;
  $("totp-enable-form").hidden = false;
  $("totp-start").hidden = true;
  $("totp-code").focus();
}

/** @param {SubmitEvent} event */
async function enableTotp(event) {
  event.preventDefault();
  clearMessages();
  totpError("");
  try {
    const enabled = await call("PUT /api/v1/session/totp", {
      body: { secret: proposedSecret, code: $("totp-code").value.trim() },
    });
    updateMe(enabled, { must_enrol_second_factor: false });
  } catch (err) {
    totpError(err instanceof ApiError ? sentence(err.serverDetail || err.detail) : String(err));
    return;
  }
  /** @type {HTMLFormElement} */ ($("totp-enable-form")).reset();
  flash("Two-step login is on.");
  await showPage();
}

/** @param {SubmitEvent} event */
async function disableTotp(event) {
  event.preventDefault();
  clearMessages();
  totpError("");
  try {
    const disabled = await call("DELETE /api/v1/session/totp", {
      body: { current_password: $("totp-password").value },
    });
    updateMe(disabled);
  } catch (err) {
    totpError(err instanceof ApiError ? sentence(err.serverDetail || err.detail) : String(err));
    return;
  }
  /** @type {HTMLFormElement} */ ($("totp-disable-form")).reset();
  flash("Two-step login is off.");
  await showPage();
}

// ---- sessions -------------------------------------------------------------------------

/**
 * @param {Account} account
 * @param {HTMLElement} body the table body to fill
 */
async function fillSessions(account, body) {
  const listed = await call("GET /api/v1/staff/{staff_id}/sessions", {
    path: { staff_id: account.id },
  });
  body.replaceChildren(
    ...listed.sessions.map((session) =>
      el("tr", {}, [
        el("td", {}, [
          when(session.created_at),
          session.current ? " " : null,
          session.current ? el("span", { className: "tag tag--active", text: "this browser" }) : null,
        ]),
        el("td", { text: when(session.expires_at) }),
        el("td", { className: "cell-actions" }, [
          session.current
            ? null
            : actionButton("End session", async () => {
                await call("DELETE /api/v1/staff/{staff_id}/sessions/{session_id}", {
                  path: { staff_id: account.id, session_id: session.id },
                });
                flash(`A session of ${account.username} has been ended.`);
                await fillSessions(account, body);
              }),
        ]),
      ]),
    ),
  );
  if (!listed.sessions.length) {
    body.append(el("tr", {}, [el("td", { text: "No live sessions.", attrs: { colspan: 3 } })]));
  }
}

/**
 * @param {string} label
 * @param {() => Promise<void>} action
 * @param {string} [className]
 */
function actionButton(label, action, className = "button button--small") {
  const button = el("button", { className, text: label, attrs: { type: "button" } });
  button.addEventListener("click", async () => {
    clearMessages();
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// ---- administrators -------------------------------------------------------------------

/** @param {string} what */
function askReason(what) {
  const reason = window.prompt(`Why ${what}? (kept in the audit log)`);
  return reason && reason.trim() ? reason.trim() : null;
}

/** The account whose courts the form below the table assigns. @type {Account | null} */
let assigning = null;

/** @param {string} text */
function courtsError(text) {
  const box = $("staff-courts-error");
  box.textContent = text;
  box.hidden = !text;
}

/**
 * Open the form that assigns ``account`` (a clerk) to courts: one box per court a hearing
 * can be in (GET /api/v1/courts), those it has ticked.
 * @param {Account} account
 */
async function openCourts(account) {
  const known = await call("GET /api/v1/courts");
  assigning = account;
  courtsError("");
  $("staff-courts-heading").textContent = `Courts of ${account.username}`;
  const names = [...new Set([...known.courts, ...account.courts])];
  $("staff-courts-choices").replaceChildren(
    ...names.map((name, index) =>
      el("div", { className: "field field--check" }, [
        el("input", {
          attrs: {
            id: `staff-court-${index}`,
            type: "checkbox",
            value: name,
            checked: account.courts.includes(name),
          },
        }),
        el("label", { text: name, attrs: { for: `staff-court-${index}` } }),
      ]),
    ),
  );
  if (!names.length) {
    $("staff-courts-choices").append(
      el("p", { className: "field__hint", text: "No hearing names a court yet." }),
    );
  }
  /** @type {HTMLFormElement} */ ($("staff-courts")).reset(); // the reason of a last one
  $("staff-courts").hidden = false;
  $("staff-courts-reason").focus();
}

/** @param {SubmitEvent} event */
async function assignCourts(event) {
  event.preventDefault();
  clearMessages();
  const account = assigning;
  if (account === null) return;
  const reason = $("staff-courts-reason").value.trim();
  if (!reason) {
    courtsError("Say why: the reason is kept in the audit log.");
    return;
  }
  /** @type {HTMLInputElement[]} */
  const boxes = [...$("staff-courts-choices").querySelectorAll("input")];
  const courts = boxes.filter((box) => box.checked).map((box) => box.value);
  $("staff-courts-save").disabled = true;
  try {
    const assigned = await call("PUT /api/v1/staff/{staff_id}/courts", {
      path: { staff_id: account.id },
      body: { courts, reason },
    });
    flash(
      assigned.courts.length
        ? `${assigned.username} is a clerk of ${assigned.courts.join(", ")}.`
        : `${assigned.username} is a clerk of no court: only the hearings naming them.`,
    );
  } catch (err) {
    courtsError(err instanceof ApiError ? sentence(err.serverDetail || err.detail) : String(err));
    return;
  } finally {
    $("staff-courts-save").disabled = false;
  }
  closeCourts();
  await fillStaff();
}

function closeCourts() {
  assigning = null;
  $("staff-courts").hidden = true;
}

/** @param {Account} account */
function staffRow(account) {
  const path = { staff_id: account.id };
  const reset = actionButton(`Reset password`, async () => {
    const reason = askReason(`reset ${account.username}'s password`);
    if (!reason) return;
    const done = await call("POST /api/v1/staff/{staff_id}/password-reset", {
      path,
      body: { reason },
    });
    flash(
      `Temporary password for ${account.username}: ${done.temporary_password} ` +
        `(shown this once; they must change it at their next login).`,
    );
    await fillStaff();
  });
  const toggle = account.disabled
    ? actionButton("Enable", async () => {
        const reason = askReason(`enable ${account.username}`);
        if (!reason) return;
        await call("POST /api/v1/staff/{staff_id}/enable", { path, body: { reason } });
        flash(`${account.username} is enabled.`);
        await fillStaff();
      })
    : actionButton(
        "Disable",
        async () => {
          const reason = askReason(`disable ${account.username}`);
          if (!reason) return;
          await call("POST /api/v1/staff/{staff_id}/disable", { path, body: { reason } });
          flash(`${account.username} is disabled; their sessions have ended.`);
          await fillStaff();
        },
        "button button--small button--danger-quiet",
      );
  const sessions = actionButton("Sessions", async () => {
    $("staff-sessions-heading").textContent = `Sessions of ${account.username}`;
    await fillSessions(account, $("staff-sessions-body"));
    $("staff-sessions").hidden = false;
  });
  const courts =
    account.role === "clerk"
      ? actionButton("Courts", () => openCourts(account))
      : null;
  const own = state.me !== null && account.id === state.me.id;
  let status = account.disabled ? "Disabled" : "Active";
  if (account.must_change_password) status += ", must change password";
  return el("tr", { attrs: { "data-username": account.username } }, [
    el("td", { text: account.username }),
    el("td", { text: account.display_name }),
    el("td", { text: STAFF_ROLE_LABELS[/** @type {keyof STAFF_ROLE_LABELS} */ (account.role)] || account.role }),
    el("td", { text: account.role === "clerk" ? account.courts.join(", ") || "—" : "" }),
    el("td", { text: status }),
    el("td", { className: "cell-actions" }, [reset, own ? null : toggle, sessions, courts]),
  ]);
}

async function fillStaff() {
  const listed = await call("GET /api/v1/staff");
  $("staff-body").replaceChildren(...listed.staff.map(staffRow));
}

// ---- the page -------------------------------------------------------------------------

async function showPage() {
  const me = state.me;
  if (me === null) return;
  $("account-name").textContent = me.display_name || me.username;
  $("must-change").hidden = !me.must_change_password;
  $("must-enrol").hidden = !me.must_enrol_second_factor;
  const heldBack = me.must_change_password || Boolean(me.must_enrol_second_factor);
  $("console-link").hidden = heldBack;
  $("totp").hidden = me.must_change_password;
  showTotp();
  // A clerk sees which courts' hearings are theirs besides those naming them.
  $("own-courts").hidden = me.role !== "clerk";
  $("own-courts-text").textContent = me.courts.length
    ? `You prepare every hearing of ${me.courts.join(", ")}, and the hearings that name ` +
      "you as clerk."
    : "You are assigned to no court: you prepare the hearings that name you as clerk.";
  if (heldBack) {
    $("own-sessions").hidden = true;
    $("staff-admin").hidden = true;
    $("current-password").focus();
    return;
  }
  await fillSessions(me, $("own-sessions-body"));
  $("own-sessions").hidden = false;
  const administers = Array.isArray(me.permissions) && me.permissions.includes("administer");
  if (administers) {
    await fillStaff();
    $("staff-admin").hidden = false;
  }
}

async function main() {
  $("password-form").addEventListener("submit", changePassword);
  $("totp-start").addEventListener("click", () => startTotp().catch(showError));
  $("totp-enable-form").addEventListener("submit", enableTotp);
  $("totp-disable-form").addEventListener("submit", disableTotp);
  $("staff-courts").addEventListener("submit", assignCourts);
  $("staff-courts-cancel").addEventListener("click", closeCourts);
  try {
    state.me = await call("GET /api/v1/session");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace("/login");
      return;
    }
    showError(err);
    return;
  }
  whenLoggedOut(() => window.location.replace("/login"));
  try {
    // Session times in the court's zone; without it, the default zone (the page still works).
    await loadCourt().catch(() => null);
    await showPage();
  } catch (err) {
    showError(err);
  }
}

main();
