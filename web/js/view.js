// The page around the tiles: header, state line, panels, notices and buttons.

import { earlyNotice, invitationLines } from "./invitation.js";
import { $, el, sentence } from "./lib/dom.js";

let baseState = "";
let soundHint = false;

// The line that says where the person is ("In the waiting room", "Reconnecting…").
export function setState(text) {
  baseState = text;
  renderState();
}

let flash = null; // a short message over the state line ("Reconnected")

function renderState() {
  const text = flash ? `${flash} — ${baseState}` : baseState;
  $("state").textContent = soundHint
    ? `${text} — sound is off until you select “Enable sound”`
    : text;
}

export function announce(text) {
  // Re-set so that the same message twice is announced twice.
  const announcer = $("announcer");
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

export function setHearing(hearing) {
  if (!hearing) {
    return;
  }
  $("case-number").textContent = hearing.case_number ? `Case ${hearing.case_number}` : "";
  $("hearing-title").textContent = hearing.title || "Court hearing";
  document.title = `${hearing.case_number || "Hearing"} — Courtroom`;
}

/**
 * Who, which case and when, on the device check and in the waiting room; with, for someone
 * early, when to come (back).
 * @param {import("./invitation.js").Invitation} invitation
 * @param {number} now epoch milliseconds
 */
export function showInvitation(invitation, now) {
  const early = earlyNotice(invitation, now);
  for (const id of ["check-invitation", "waiting-invitation"]) {
    const box = $(id);
    box.querySelector(".invitation__lines").replaceChildren(
      ...invitationLines(invitation).flatMap(([term, value]) => [
        el("dt", { text: term }),
        el("dd", { text: value }),
      ]),
    );
    const notice = box.querySelector(".invitation__early");
    notice.textContent = early || "";
    notice.hidden = !early;
    box.hidden = false;
  }
}

export function showLive() {
  hidePanel();
  $("live").hidden = false;
  $("controls").hidden = false;
}

function hideHearing() {
  $("live").hidden = true;
  $("device-check").hidden = true;
  $("controls").hidden = true;
  $("notice").hidden = true;
  $("alert").hidden = true;
  $("prompts").replaceChildren();
  $("recording-badge").hidden = true;
  $("observers").hidden = true;
  $("hearing-state").hidden = true;
  $("court-panel").hidden = true;
}

export function setEmpty(empty) {
  $("empty").hidden = !empty;
}

export function setObservers(count) {
  const element = $("observers");
  element.hidden = count === 0;
  element.textContent = count === 1 ? "1 observer watching" : `${count} observers watching`;
}

// What a participant is doing that the others should see, in words: "Hand raised", "Muted".
export function flagsOf(person) {
  const flags = [];
  if (person.hand_raised) {
    flags.push({ kind: "hand", text: "Hand raised" });
  }
  if (person.muted) {
    flags.push({ kind: "muted", text: "Muted" });
  }
  return flags;
}

export function flagElements(person, className) {
  return flagsOf(person).map(({ kind, text }) => {
    const flag = document.createElement("span");
    flag.className = `${className} ${className}--${kind}`;
    flag.textContent = text;
    return flag;
  });
}

export function renderRoster(self, others) {
  const list = $("roster");
  list.replaceChildren();
  const people = self ? [{ ...self, isSelf: true }, ...others] : others;
  for (const person of people) {
    const item = document.createElement("li");
    item.className = "roster__item";
    item.dataset.role = person.role;
    if (!person.isSelf) {
      item.dataset.participantId = person.id;
    }
    const name = document.createElement("span");
    name.className = "roster__name";
    name.textContent = person.isSelf ? `${person.name} (you)` : person.name;
    const role = document.createElement("span");
    role.className = "roster__role";
    role.textContent = person.role_label || person.role;
    item.append(name, role);
    const flags = flagElements(person, "flag");
    if (flags.length) {
      const line = document.createElement("span");
      line.className = "roster__flags";
      line.append(...flags);
      item.append(line);
    }
    list.append(item);
  }
}

export function setRecording(active, canControl, { badge = true } = {}) {
  $("recording-badge").hidden = !(active && badge);
  const button = $("record-button");
  button.hidden = !canControl;
  button.textContent = active ? "Stop recording" : "Start recording";
  button.classList.toggle("button--recording", active);
  button.setAttribute("aria-pressed", active ? "true" : "false");
}

export function setRecordingBusy(busy) {
  $("record-button").disabled = busy;
}

export function setSoundButton(visible) {
  $("sound-button").hidden = !visible;
  soundHint = visible;
  renderState();
}

export function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = !text;
}

export function hideNotice() {
  $("notice").hidden = true;
}

export function showAlert(text) {
  const alert = $("alert");
  alert.textContent = text;
  alert.hidden = false;
}

export function button(label, onClick, variant = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `button ${variant}`.trim();
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

export function paragraphs(texts) {
  return texts.map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  });
}

function showPanel({ title, body, actions = [], tone = "info" }) {
  const panel = $("panel");
  panel.dataset.tone = tone;
  $("panel-title").textContent = title;
  $("panel-body").replaceChildren(...paragraphs(body));
  $("panel-actions").replaceChildren(...actions);
  panel.hidden = false;
  const first = actions[0];
  if (first) {
    first.focus();
  }
}

export function hidePanel() {
  $("panel").hidden = true;
}

// The server's refusal names why (server/join_links.py); the heading says it plainly and
// the advice fits the reason: a revoked or expired link is complete, just no longer valid.
const REFUSALS = [
  { word: "revoked", title: "This join link has been revoked", hint: null },
  { word: "expired", title: "This join link has expired", hint: null },
  { word: "ended", title: "This hearing has ended", hint: null },
];

export function showInvalidLink(message) {
  hideHearing();
  setState("Not connected");
  const text = message || "The court server refused this link.";
  const known = REFUSALS.find((r) => text.includes(r.word));
  const title = known ? known.title : "This join link is not valid";
  // Say the server's reason without repeating the heading word for word.
  const reason = text.startsWith(title) ? text.slice(title.length).replace(/^[.\s]+/, "") : text;
  const body = [reason || "Ask the court clerk for a new one."];
  if (!known) {
    body.push("Make sure you opened the whole link, exactly as you received it.");
  }
  showPanel({ tone: "error", title, body });
}

export function showNoLink() {
  hideHearing();
  setState("Not connected");
  showPanel({
    tone: "error",
    title: "Open the join link you were given",
    body: [
      "This page needs your personal join link, which the court sent you. It looks like https://…/join#token=… — open it exactly as you received it.",
    ],
  });
}

export const MEDIA_PROBLEMS = {
  denied: [
    "Your browser did not allow this page to use your camera and microphone.",
    "To allow them: select the camera or lock symbol at the left of the address bar, set Camera and Microphone to “Allow”, then select “Try again”.",
  ],
  missing: [
    "No camera or microphone was found on this device. Connect one and select “Try again”.",
  ],
  busy: [
    "Your camera or microphone is being used by another program. Close that program and select “Try again”.",
  ],
  unsupported: [
    "This browser cannot use a camera or microphone on this page. Use a current version of Chrome, Edge, Firefox or Safari.",
  ],
  other: ["Your camera and microphone could not be started."],
};

export function showMediaProblem(kind, { retry, audioOnly, withoutMedia }) {
  const actions = [button("Try again", retry, "button--primary")];
  if (audioOnly && kind !== "unsupported") {
    actions.push(button("Join with microphone only", audioOnly));
  }
  actions.push(button("Continue without camera or microphone", withoutMedia));
  showPanel({
    tone: "warning",
    title: "Camera and microphone",
    body: [
      ...(MEDIA_PROBLEMS[kind] || MEDIA_PROBLEMS.other),
      "You are connected to the hearing. The court may need to see and hear you.",
    ],
    actions,
  });
}

export function showLeft(rejoin) {
  hideHearing();
  setState("You left the hearing");
  showPanel({
    title: "You left the hearing",
    body: ["Your camera and microphone are off. You can close this window."],
    actions: [button("Join again", rejoin)],
  });
}

export function showClosedByServer(rejoin) {
  hideHearing();
  setState("Disconnected");
  showPanel({
    tone: "warning",
    title: "You were disconnected",
    body: ["The court server closed this connection."],
    actions: [button("Join again", rejoin, "button--primary")],
  });
}

// The endings the court decides: the connection is over and the page does not reconnect.
/**
 * @param {string} reason the court's words
 * @param {"link_withdrawn" | "hearing_cancelled"} [cause] not a removal in the hearing
 */
export function showRemoved(reason, cause) {
  hideHearing();
  const title =
    cause === "hearing_cancelled"
      ? "The hearing was cancelled"
      : cause === "link_withdrawn"
        ? "Your join link was withdrawn"
        : "Removed from the hearing";
  setState(title);
  const said = cause
    ? sentence(reason)
    : reason
      ? sentence(`The court removed you from this hearing: ${reason}`)
      : "";
  showPanel({
    tone: "error",
    title,
    body: [
      said || "No reason was given.",
      "Your camera and microphone are off. Contact the court if you think this is a mistake.",
    ],
  });
}

/**
 * @param {() => void} useThisWindow
 * @param {"taken_over" | "reopened"} [cause] taken_over: the person confirmed it there
 */
export function showReplaced(useThisWindow, cause) {
  hideHearing();
  setState("Left the hearing in this window");
  showPanel({
    tone: "warning",
    title:
      cause === "taken_over"
        ? "You continued in another window"
        : "Your link was opened in another window",
    body: [
      cause === "taken_over"
        ? "You chose to continue this hearing in another window; this window has left it."
        : "This link was opened in another window; this window has left the hearing.",
      "You can close this window, or take part from this window instead (the other one then leaves the hearing).",
    ],
    actions: [button("Take part from this window", useThisWindow)],
  });
}

// A judge or clerk already in the hearing from another page (the server never replaces the
// bench unasked): resolves true when the person chooses to continue here.
/** @returns {Promise<boolean>} */
export function askTakeOver() {
  hideHearing();
  setState("Already in this hearing");
  return new Promise((resolve) => {
    showPanel({
      tone: "warning",
      title: "You are already in this hearing in another window. Continue here?",
      body: [
        "If you continue here, the other window leaves the hearing.",
        "If you did not open the hearing elsewhere, continue here and tell the court's " +
          "administrator: your account may be in use by someone else.",
      ],
      actions: [
        button("Continue here", () => resolve(true)),
        button("Stay in the other window", () => resolve(false)),
      ],
    });
  });
}

export function showJoinRefused(message) {
  hideHearing();
  setState("Not admitted");
  showPanel({
    tone: "error",
    title: "You cannot join this hearing now",
    body: [message || "The court refused this join.", "Contact the court if you need to take part."],
  });
}

export function showHearingClosed() {
  hideHearing();
  setState("The hearing is closed");
  showPanel({
    title: "The hearing is closed. Thank you.",
    body: ["Your camera and microphone are off. You can close this window."],
  });
}

export function showReleased() {
  hideHearing();
  setState("Released by the court");
  showPanel({
    title: "The court has released you. Thank you.",
    body: [
      "You have finished giving your evidence and are free to leave.",
      "Your camera and microphone are off. You can close this window.",
    ],
  });
}

// Short-lived questions from the court or another participant, each with its own buttons.
// `id` replaces an earlier prompt of the same id.
export function showPrompt({ id, title, text, actions = [], tone = "info" }) {
  removePrompt(id);
  const box = document.createElement("section");
  box.className = "prompt";
  box.dataset.prompt = id;
  box.dataset.tone = tone;
  box.setAttribute("role", tone === "alert" ? "alertdialog" : "status");
  const heading = document.createElement("h2");
  heading.className = "prompt__title";
  heading.id = `prompt-${id}`;
  heading.textContent = title;
  box.setAttribute("aria-labelledby", heading.id);
  const body = document.createElement("p");
  body.className = "prompt__text";
  body.textContent = text;
  const row = document.createElement("div");
  row.className = "actions";
  row.append(...actions);
  box.append(heading, body, row);
  $("prompts").append(box);
  return box;
}

export function removePrompt(id) {
  for (const box of $("prompts").querySelectorAll(".prompt")) {
    if (box.dataset.prompt === id) {
      box.remove();
    }
  }
}

export function bindControls({ leave, toggleRecording, enableSound }) {
  $("leave-button").addEventListener("click", leave);
  $("record-button").addEventListener("click", toggleRecording);
  $("sound-button").addEventListener("click", enableSound);
}

// "Reconnected" for a few seconds in front of the state line.
export function flashState(text, ms = 4000) {
  flash = text;
  renderState();
  window.setTimeout(() => {
    if (flash === text) {
      flash = null;
      renderState();
    }
  }, ms);
}
