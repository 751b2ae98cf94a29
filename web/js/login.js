// Entry of /login: staff log in with username and password, then go to the staff console.
//
// The server sets the session cookie (HttpOnly: this script never sees it). Errors are said
// in words: wrong credentials, too many attempts (with the time to wait), server unreachable.

import { $ } from "./lib/dom.js";

const CONSOLE = "/console";
const UNREACHABLE =
  "The court server could not be reached. Check the network connection and try again.";

// After a 429 the button stays disabled for that username until the wait is over; another
// username (someone else at a shared court computer) may still try.
const blocked = { username: "", until: 0 };
let unblockTimer = null;

function typedUsername() {
  return $("username").value.trim().toLowerCase();
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

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

function setBusy(busy) {
  const button = $("login-button");
  const waiting = Date.now() < blocked.until && typedUsername() === blocked.username;
  button.disabled = busy || waiting;
  button.textContent = busy ? "Logging in…" : "Log in";
}

function duration(seconds) {
  if (seconds < 60) {
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function clockTime(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

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

async function logIn(event) {
  event.preventDefault();
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    showError("Enter your username and your password.");
    $(username ? "password" : "username").focus();
    return;
  }
  clearError();
  setBusy(true);
  let response;
  try {
    response = await fetch("/api/v1/session", {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, application/problem+json",
      },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    showError(UNREACHABLE);
    setBusy(false);
    return;
  }
  if (response.ok) {
    window.location.assign(CONSOLE);
    return;
  }
  const problem = await readJson(response);
  if (response.status === 429) {
    const seconds = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    blockFor(username.toLowerCase(), Number.isFinite(seconds) && seconds > 0 ? seconds : 60);
  } else if (response.status === 401) {
    showError((problem && problem.detail) || "The username or password is wrong.");
    $("password").value = "";
    $("password").focus();
  } else {
    showError(
      (problem && problem.detail) || `The court server answered ${response.status}; try again.`,
    );
  }
  setBusy(false);
}

// Someone already logged in (another tab, an earlier visit) is offered the console.
async function showCurrentSession() {
  let response;
  try {
    response = await fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" });
  } catch {
    return;
  }
  if (!response.ok) {
    return;
  }
  const session = await readJson(response);
  if (session && session.username) {
    $("signed-in-name").textContent = session.display_name || session.username;
    $("signed-in").hidden = false;
  }
}

$("login-form").addEventListener("submit", logIn);
$("username").addEventListener("input", () => setBusy(false));
setBusy(false);
$("username").focus();
showCurrentSession();
