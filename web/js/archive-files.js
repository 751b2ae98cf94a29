// The record's files, recording by recording, each with its size and a download link (the
// link carries the stated reason, as every reading of the archive does).

import { withReason } from "./archive-api.js";
import { bytes, clock, dateTimeNamed, plural } from "./archive-page.js";
import { fillTable } from "./console-dom.js";
import { $, el } from "./lib/dom.js";

const FILE_KIND_LABELS = {
  segment: "Master audio segment",
  track: "Participant's own track",
  manifest: "Manifest (the digest of every file)",
  signature: "The court's signature of the manifest",
  timeline: "Timeline",
  metadata: "Recording metadata",
  speakers: "Who spoke when (speaker timeline)",
};
const KIND_ORDER = ["manifest", "signature", "metadata", "timeline", "speakers", "segment", "track"];
const MEDIA_LABELS = { audio: "audio", video: "video" };

function what(file) {
  const label = FILE_KIND_LABELS[file.kind] || file.kind;
  if (file.kind !== "track") {
    return label;
  }
  const media = MEDIA_LABELS[file.media] || file.media || "";
  const who = file.participant_name || "a participant";
  return `${media ? `${media.charAt(0).toUpperCase()}${media.slice(1)}` : "Track"} of ${who}`;
}

function fileRow(file, reason) {
  const download = el("a", {
    className: "button button--small archive__download",
    attrs: { href: withReason(file.url, reason), download: file.name },
  });
  download.append("Download", el("span", { className: "visually-hidden", text: ` ${file.name}` }));
  const row = el("tr", {}, [
    el("th", { className: "mono archive__file", text: file.name, attrs: { scope: "row" } }),
    el("td", { text: what(file) }),
    el("td", { className: "cell-size", text: bytes(file.bytes) }),
    el("td", { className: "cell-actions" }, [download]),
  ]);
  row.dataset.kind = file.kind;
  return row;
}

function byKindThenName(a, b) {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name);
}

function recordingSection(recording, number, reason) {
  const heading = el("h4", {
    className: "archive__subheading",
    text: `Recording ${number}`,
    attrs: { id: `recording-${number}-heading` },
  });
  const facts = [`Started ${dateTimeNamed(recording.started_at)}`];
  if (recording.duration_s !== null && recording.duration_s !== undefined) {
    facts.push(`${clock(recording.duration_s)} long`);
  } else {
    facts.push("length unknown");
  }
  facts.push(`from ${clock(recording.offset_s)} of record time`);
  const note = el("p", { className: "section-note", text: `${facts.join(", ")}.` });
  if (recording.recovered) {
    note.append(
      " ",
      el("span", { className: "tag tag--recovered", text: "Recovered after a crash" }),
      " Its last segment was sealed when the server restarted; nothing was dropped.",
    );
  }
  const files = [...(recording.files || [])].sort(byKindThenName);
  const table = el("table", { className: "data-table archive__files" }, [
    el("caption", { className: "visually-hidden", text: `Files of recording ${number}` }),
    el("thead", {}, [
      el("tr", {}, [
        el("th", { text: "File", attrs: { scope: "col" } }),
        el("th", { text: "What it is", attrs: { scope: "col" } }),
        el("th", { text: "Size", attrs: { scope: "col" } }),
        el("th", { attrs: { scope: "col" } }, [
          el("span", { className: "visually-hidden", text: "Download" }),
        ]),
      ]),
    ]),
    el("tbody"),
  ]);
  fillTable(
    table.tBodies[0],
    files.map((file) => fileRow(file, reason)),
  );
  const total = files.reduce((sum, file) => sum + (Number(file.bytes) || 0), 0);
  const summary = el("p", {
    className: "archive__files-total",
    text: `${plural(files.length, "file", "files")}, ${bytes(total)} in all.`,
  });
  return el(
    "section",
    { className: "archive__recording", attrs: { "aria-labelledby": heading.id } },
    [heading, note, el("div", { className: "table-wrap" }, [table]), summary],
  );
}

export function showFiles(recordings, reason) {
  const sections = recordings.map((recording, index) =>
    recordingSection(recording, index + 1, reason),
  );
  $("files").replaceChildren(...sections);
  const count = recordings.reduce((sum, r) => sum + (r.files || []).length, 0);
  const recorded = recordings.reduce((sum, r) => sum + (Number(r.duration_s) || 0), 0);
  $("files-note").textContent =
    recordings.length === 1
      ? `The record is one recording (${clock(recorded)}) in ${plural(count, "file", "files")}.`
      : `The record is ${plural(recordings.length, "recording", "recordings")} ` +
        `(${clock(recorded)} in all) in ${plural(count, "file", "files")}; each recording is ` +
        "signed on its own.";
}
