// Entry of /archive/hearings/{id}: one hearing's record. Its facts and participants, the
// players and the timeline, integrity, export, the files, and retention.
//
// The record is read with the reason stated for this browsing session (asked here if the
// archivist came straight to this page). Changing the reason reads the record again with
// the new one, so that every file, player and download afterwards carries it.

import { archive, lastSearch, withReason } from "./archive-api.js";
import { showFiles } from "./archive-files.js";
import { JobPoller, pollingError, showJob } from "./archive-jobs.js";
import {
  archivist,
  clock,
  dateTime,
  dateTimeNamed,
  day,
  isRefusal,
  plural,
  ReasonGate,
  retentionText,
  say,
  showError,
  showRefused,
} from "./archive-page.js";
import { Players } from "./archive-player.js";
import { RecordProtocol } from "./archive-protocol.js";
import { SpeakerLanes } from "./archive-speakers.js";
import { Verifier } from "./archive-verify.js";
import { fillTable } from "./console-dom.js";
import { byRoleThenName, roleLabel, STATE_LABELS } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";

const page = {
  id: hearingIdFromPath(),
  account: null,
  gate: null,
  record: /** @type {import("./lib/rest-types.js").ArchivedRecord | null} */ (null),
  players: null,
  poller: null,
  verifier: null,
  protocol: null, // the protocol beside the players
  lanes: null, // who spoke when, under them
  loads: 0,
};

function hearingIdFromPath() {
  const match = /^\/archive\/hearings\/([^/]+)\/?$/.exec(window.location.pathname);
  if (!match) {
    return "";
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return "";
  }
}

const reason = () => page.gate.reason;

// ---- loading ------------------------------------------------------------------------------

async function load() {
  const ticket = ++page.loads; // a slow answer for an earlier reason never draws over a newer one
  $("record").hidden = false;
  showError("record-error", null);
  try {
    const record = await archive.record(page.id, reason());
    if (ticket !== page.loads) {
      return;
    }
    page.record = record;
    render(record);
  } catch (err) {
    if (ticket !== page.loads) {
      return;
    }
    if (isRefusal(err)) {
      showRefused(err);
      return;
    }
    $("record-body").hidden = true;
    showError("record-error", err);
    document.title = "Record not shown — Courtroom archive";
  }
}

function render(record) {
  const hearing = record.hearing;
  const first = $("record-body").hidden;
  document.title = `${hearing.case_number} — Courtroom archive`;
  $("record-case").textContent = hearing.case_number;
  $("record-heading").textContent = hearing.title;
  const state = $("record-state");
  state.className = `badge badge--${hearing.state}`;
  state.textContent = stateLabel(hearing);
  showFacts(hearing, record.recordings || []);
  showParticipants(record.participants || []);
  const names = Object.fromEntries((record.participants || []).map((p) => [p.id, p.name]));
  page.players.showTimeline(record.timeline || [], names);
  page.protocol.load(page.id, reason());
  page.lanes.load(page.id, reason());
  showFiles(record.recordings || [], reason());
  showRetention(hearing.retention);
  page.verifier.reset();
  $("record-body").hidden = false;
  if (!page.poller) {
    page.poller = new JobPoller(page.id, {
      onJobs: showJobs,
      onError: (err) => {
        if (isRefusal(err)) {
          showRefused(err);
        } else {
          showError("record-error", new Error(pollingError(err)));
        }
      },
    });
  }
  page.poller.update(record.jobs || {});
  if (first) {
    $("record-heading").focus();
  }
}

// The console's words for a state (lib/terms.js), else the server's.
function stateLabel(hearing) {
  return STATE_LABELS[hearing.state] || hearing.state_label || hearing.state;
}

function fact(term, value) {
  return el("div", { className: "facts__item" }, [
    el("dt", { text: term }),
    el("dd", { text: value }),
  ]);
}

function showFacts(hearing, recordings) {
  const recovered = recordings.filter((r) => r.recovered).length;
  const recordingsText =
    plural(recordings.length, "recording", "recordings") +
    (recovered ? ` (${recovered} recovered after a crash)` : "");
  $("record-facts").replaceChildren(
    fact("Court", hearing.court || "—"),
    fact("Courtroom", hearing.courtroom || "—"),
    fact("Scheduled", dateTimeNamed(hearing.scheduled_start)),
    fact("State", stateLabel(hearing)),
    fact("Recorded time", clock(hearing.recorded_s)),
    fact("Recordings", recordingsText),
    fact("Retention", retentionText(hearing.retention)),
  );
}

function showParticipants(participants) {
  const rows = [...participants].sort(byRoleThenName).map((person) => {
    const row = el("tr", {}, [
      el("th", { text: person.name, attrs: { scope: "row" } }),
      el("td", { text: person.role_label || roleLabel(person.role) }),
    ]);
    row.dataset.participantId = person.id;
    return row;
  });
  fillTable($("participants-body"), rows);
  $("participants-empty").hidden = rows.length > 0;
}

// ---- jobs: master audio, viewing copy, export -------------------------------------------

const BUSY = ["queued", "running"];

// A derived copy's button: shown when there is none (or it failed) and the hearing has
// closed (the server builds copies of closed hearings only).
function buildButton(id, job, closed, labels) {
  const button = $(id);
  button.hidden = !closed || !["absent", "failed"].includes(job.status);
  button.textContent = job.status === "failed" ? labels.again : labels.first;
}

function showJobs(jobs) {
  showError("record-error", null); // a poll that failed before has succeeded now
  const closed = page.record.hearing.state === "closed";
  const master = jobs.master_audio || { status: "absent" };
  const viewing = jobs.viewing_copy || { status: "absent" };
  const exported = jobs.export || { status: "absent" };

  showJob("audio", "master_audio", master, closed);
  if (master.status === "ready") {
    page.players.loadAudio(withReason(master.url || archive.masterAudioUrl(page.id), reason()));
  } else {
    page.players.unload(page.players.audio);
  }
  buildButton("audio-build", master, closed, {
    first: "Assemble the master audio",
    again: "Try assembling it again",
  });

  showJob("video", "viewing_copy", viewing, closed);
  if (viewing.status === "ready") {
    page.players.loadVideo(withReason(viewing.url || archive.viewingCopyUrl(page.id), reason()));
  } else {
    page.players.unload(page.players.video);
  }
  buildButton("video-build", viewing, closed, {
    first: "Build the viewing copy",
    again: "Try building it again",
  });

  showJob("export", "export", exported);
  const download = $("export-download");
  if (exported.status === "ready" && exported.url) {
    download.href = withReason(exported.url, reason());
    download.setAttribute("download", "");
    download.hidden = false;
  } else {
    download.hidden = true;
    download.removeAttribute("href");
  }
  const exportButton = $("export-button");
  exportButton.disabled = BUSY.includes(exported.status);
  exportButton.textContent =
    exported.status === "ready"
      ? "Export again"
      : exported.status === "failed"
        ? "Try the export again"
        : "Export the record";
}

async function startJob(kind, button, errorId, start) {
  button.disabled = true;
  showError(errorId, null);
  try {
    const job = await start(page.id, reason());
    page.poller.updateOne(kind, job);
  } catch (err) {
    if (isRefusal(err)) {
      showRefused(err);
      return;
    }
    showError(errorId, err);
  } finally {
    button.disabled = false;
    if (page.poller && page.poller.jobs) {
      showJobs(page.poller.jobs); // the button's state follows the job's
    }
  }
}

// ---- retention ---------------------------------------------------------------------------

// "staff:alice" -> "alice"; "system:archive" -> "the archive, by default".
function setBy(label) {
  const [kind, ...rest] = String(label || "").split(":");
  if (kind === "system") {
    return "the archive, by default";
  }
  return rest.join(":") || String(label || "");
}

function showRetention(retention) {
  const now = [`Now: ${retentionText(retention)}.`];
  if (retention && retention.updated_by) {
    now.push(`Set by ${setBy(retention.updated_by)}` +
      (retention.updated_at ? ` on ${dateTime(retention.updated_at)}.` : "."));
  }
  $("retention-now").textContent = now.join(" ");
  const form = $("retention-form");
  const permissions = (page.account && page.account.permissions) || [];
  form.hidden = !permissions.includes("manage_retention");
  form.elements.namedItem("retain_until").value = (retention && retention.retain_until) || "";
  form.elements.namedItem("legal_hold").checked = Boolean(retention && retention.legal_hold);
}

async function saveRetention(form) {
  const submit = form.querySelector('button[type="submit"]');
  const until = form.elements.namedItem("retain_until");
  const hold = form.elements.namedItem("legal_hold");
  showError("retention-error", null);
  say("retention-status", "");
  if (!until.value) {
    until.setAttribute("aria-invalid", "true");
    showError("retention-error", new Error("Give the day until which the record is kept."));
    until.focus();
    return;
  }
  until.removeAttribute("aria-invalid");
  submit.disabled = true;
  try {
    const saved = await archive.retention(page.id, reason(), {
      retainUntil: until.value,
      legalHold: hold.checked,
    });
    const hearing = { ...page.record.hearing, retention: saved };
    page.record = { ...page.record, hearing };
    showFacts(hearing, page.record.recordings || []);
    showRetention(saved);
    say(
      "retention-status",
      `Saved: kept until ${day(saved.retain_until)}` +
        (saved.legal_hold ? ", under a legal hold." : ", no legal hold."),
    );
  } catch (err) {
    if (isRefusal(err)) {
      showRefused(err);
      return;
    }
    showError("retention-error", err);
  } finally {
    submit.disabled = false;
  }
}

// ---- start -----------------------------------------------------------------------------------

function offsets() {
  const found = {};
  for (const recording of (page.record && page.record.recordings) || []) {
    found[recording.id] = Number(recording.offset_s) || 0;
  }
  return found;
}

function bind() {
  page.players = new Players();
  page.protocol = new RecordProtocol(page.players);
  page.lanes = new SpeakerLanes(page.players);
  page.verifier = new Verifier(page.id, reason, offsets);
  $("audio-build").addEventListener("click", (event) =>
    startJob("master_audio", event.currentTarget, "audio-error", archive.buildMasterAudio),
  );
  $("video-build").addEventListener("click", (event) =>
    startJob("viewing_copy", event.currentTarget, "video-error", archive.buildViewingCopy),
  );
  $("export-button").addEventListener("click", (event) =>
    startJob("export", event.currentTarget, "export-error", archive.exportRecord),
  );
  $("retention-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveRetention(event.currentTarget);
  });
  $("retention-form").addEventListener("input", (event) => {
    event.target.removeAttribute("aria-invalid");
  });
  for (const media of [page.players.audio, page.players.video]) {
    media.addEventListener("error", () => {
      if (!media.dataset.source) {
        return;
      }
      const id = media === page.players.audio ? "audio-error" : "video-error";
      showError(
        id,
        new Error(
          "The player could not load this file. Reload the page; if it happens again, " +
            "download the file below and play it on this computer.",
        ),
      );
    });
    media.addEventListener("loadedmetadata", () =>
      showError(media === page.players.audio ? "audio-error" : "video-error", null),
    );
  }
  $("back-link").textContent = lastSearch()
    ? "‹ Back to the search results"
    : "‹ Search the archive";
}

function onReason() {
  load();
}

async function main() {
  bind();
  const account = await archivist();
  $("archive-loading").hidden = true;
  if (!account) {
    return;
  }
  page.account = account;
  if (!page.id) {
    $("record").hidden = false;
    showError("record-error", new Error("This address names no hearing of the archive."));
    return;
  }
  page.gate = new ReasonGate(onReason);
  page.gate.start();
}

main();

