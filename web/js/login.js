// Entry of /login: staff log in with username and password, then go to the staff console.
//
// The server sets the session cookie (HttpOnly: this script never sees it). Errors are said
// in words: wrong credentials, too many attempts (with the time to wait), server unreachable.

import { $ } from "./lib/dom.js";
import { ApiError, call } from "./lib/http.js";
import { clockNamed } from "./lib/wall-time.js";
import { loadCourt } from "./lib/court.js";

const CONSOLE = "/console";
// After an administrator's reset the server refuses everything until the password changes.
const ACCOUNT = "/account";

// After a 429 the button stays disabled for that username until the wait is over; another
// username (someone else at a shared court computer) may still try.
const blocked = { username: "", until: 0 };
/** @type {ReturnType<typeof setTimeout> | undefined} */
let unblockTimer;

function typedUsername() {
  return $("username").value.trim().toLowerCase();
}

/** @param {string} text */
function showError(text) {
  const box = $("login-error");
  box.textContent = text;
  box.hidden = false;
}

function clearError() {
  const box = $("login-error");
  box.textContent = "";
  box.hidden = true;
}

/** @param {boolean} busy */
function setBusy(busy) {
  const button = $("login-button");
  const waiting = Date.now() < blocked.until && typedUsername() === blocked.username;
  button.disabled = busy || waiting;
  button.textContent = busy ? "Logging in…" : "Log in";
}

/** @param {number} seconds */
function duration(seconds) {
  if (seconds < 60) {
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** @param {Date} date */
function clockTime(date) {
  return clockNamed(date);
}

/**
 * @param {string} username
 * @param {number} seconds
 */
function blockFor(username, seconds) {
  blocked.username = username;
  blocked.until = Date.now() + seconds * 1000;
  const at = new Date(blocked.until);
  showError(
    `Too many failed logins for this account or from this network. ` +
      `For your security, logging in is paused: try again in ${duration(seconds)} ` +
      `(at ${clockTime(at)}).`,
  );
  clearTimeout(unblockTimer);
  unblockTimer = setTimeout(() => {
    blocked.until = 0;
    clearError();
    setBusy(false);
  }, seconds * 1000);
}

/** @param {SubmitEvent} event */
async function logIn(event) {
  event.preventDefault();
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    showError("Enter your username and your password.");
    $(username ? "password" : "username").focus();
    return;
  }
  const code = $("code-field").hidden ? "" : $("code").value.trim();
  clearError();
  setBusy(true);
  /** @type {import("./lib/rest-types.js").Session} */
  let session;
  try {
    session = await call("POST /api/v1/session", {
      body: code ? { username, password, code } : { username, password },
    });
  } catch (err) {
    showLoginError(err, username);
    setBusy(false);
    return;
  }
  const firstTheAccount = session && (session.must_change_password || session.must_enrol_second_factor);
  window.location.assign(firstTheAccount ? ACCOUNT : CONSOLE);
}

/**
 * @param {unknown} err
 * @param {string} username
 */
function showLoginError(err, username) {
  if (!(err instanceof ApiError)) {
    throw err;
  }
  if (err.status === 0) {
    showError(err.detail); // the server could not be reached
  } else if (err.status === 401 && err.code === "second_factor_required") {
    // The password was right: the account also needs its authenticator's code.
    $("code-field").hidden = false;
    showError(err.serverDetail || "Enter the 6-digit code from your authenticator app.");
    $("code").focus();
  } else if (err.status === 429) {
    blockFor(username.toLowerCase(), err.retryAfter || 60);
  } else if (err.status === 401) {
    showError(err.serverDetail || "The username or password is wrong.");
    $("password").value = "";
    $("password").focus();
  } else {
    showError(err.serverDetail || `The court server answered ${err.status}; try again.`);
  }
}

// Someone already logged in (another tab, an earlier visit) is offered the console.
async function showCurrentSession() {
  /** @type {import("./lib/rest-types.js").Session} */
  let session;
  try {
    session = await call("GET /api/v1/session");
  } catch {
    return;
  }
  if (session && session.username) {
    $("signed-in-name").textContent = session.display_name || session.username;
    $("signed-in").hidden = false;
  }
}

// The court's zone for the time a paused login may be tried again; the default until known.
loadCourt().catch(() => null);
$("login-form").addEventListener("submit", logIn);
$("username").addEventListener("input", () => setBusy(false));
setBusy(false);
$("username").focus();
showCurrentSession();
