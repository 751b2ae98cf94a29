// The page around the tiles: header, state line, panels, notices and buttons.

const $ = (id) => document.getElementById(id);

export function setState(text) {
  $("state").textContent = text;
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

export function showHearing() {
  hidePanel();
  $("hearing-view").hidden = false;
  $("controls").hidden = false;
}

function hideHearing() {
  $("hearing-view").hidden = true;
  $("controls").hidden = true;
  $("notice").hidden = true;
  $("recording-badge").hidden = true;
  $("observers").hidden = true;
}

export function setEmpty(empty) {
  $("empty").hidden = !empty;
}

export function setObservers(count) {
  const element = $("observers");
  element.hidden = count === 0;
  element.textContent = count === 1 ? "1 observer watching" : `${count} observers watching`;
}

export function renderRoster(self, others) {
  const list = $("roster");
  list.replaceChildren();
  const people = self ? [{ ...self, isSelf: true }, ...others] : others;
  for (const person of people) {
    const item = document.createElement("li");
    item.className = "roster__item";
    item.dataset.role = person.role;
    const name = document.createElement("span");
    name.className = "roster__name";
    name.textContent = person.isSelf ? `${person.name} (you)` : person.name;
    const role = document.createElement("span");
    role.className = "roster__role";
    role.textContent = person.role_label || person.role;
    item.append(name, role);
    list.append(item);
  }
}

export function setRecording(active, canControl) {
  $("recording-badge").hidden = !active;
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
  if (visible) {
    setState("In the hearing — sound is off until you select “Enable sound”");
  } else if ($("state").textContent.startsWith("In the hearing")) {
    setState("In the hearing");
  }
}

export function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = false;
}

export function showAlert(text) {
  const alert = $("alert");
  alert.textContent = text;
  alert.hidden = false;
}

function button(label, onClick, variant = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `button ${variant}`.trim();
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

function paragraphs(texts) {
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

const MEDIA_PROBLEMS = {
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
      "You are already in the hearing and can see and hear the others. The court may need to see and hear you.",
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
    body: [
      "The court server closed this connection. This happens when the same join link is opened in another window or on another device.",
    ],
    actions: [button("Join again here", rejoin, "button--primary")],
  });
}

export function bindControls({ leave, toggleRecording, enableSound }) {
  $("leave-button").addEventListener("click", leave);
  $("record-button").addEventListener("click", toggleRecording);
  $("sound-button").addEventListener("click", enableSound);
}
