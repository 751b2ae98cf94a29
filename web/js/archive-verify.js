// "Verify the record": the server checks every recorded file against its manifest and the
// manifest against the court's signature; the page says the verdict in words and shows
// each file's result.

import { archive } from "./archive-api.js";
import { clock, isRefusal, messageOf, plural, showRefused } from "./archive-page.js";
import { fillTable } from "./console-dom.js";
import { $, el } from "./lib/dom.js";

const PROBLEMS = {
  altered: "its bytes differ from the digest the court signed",
  missing: "the file is missing",
  inserted: "a file the signed manifest does not list",
  reordered: "it holds the bytes of another file of the record",
  manifest_edited: "the manifest was edited after it was signed",
  signature: "the court's signature does not match the manifest",
  incomplete: "it has no final seal: still recording, or cut back to an earlier signature",
  metadata_edited: "its start, stop or hearing differ from what the court signed",
  timeline_edited: "its timeline of events and gaps differs from what the court signed",
  foreign: "it belongs to another hearing",
  not_indexed: "the hearing's signed list of recordings does not include it",
  rolled_back: "it was cut back to an earlier signature",
  index: "the hearing's signed list of recordings is missing or altered",
};

const SEALED = {
  closed: "Sealed by the recorder",
  recovered: "Recovered after a crash",
};

function problemText(problem) {
  return PROBLEMS[problem] || String(problem || "").replaceAll("_", " ");
}

// The finding about one file, if any: findings name it as "segment 3 (segment-000003.ogg)".
function findingFor(segment, findings) {
  return findings.find(
    (f) =>
      String(f.subject || "").includes(`(${segment.file})`) ||
      String(f.subject || "") === segment.file,
  );
}

function segmentRow(segment, findings, offsetS) {
  const finding = segment.ok ? null : findingFor(segment, findings);
  const result = segment.ok
    ? el("span", { className: "tag tag--ok", text: "OK" })
    : el("span", { className: "tag tag--failed", text: "Failed" });
  const resultCell = el("td", {}, [result]);
  if (finding) {
    resultCell.append(" ", el("span", { text: `${problemText(finding.problem)}` }));
    if (finding.detail) {
      resultCell.append(el("span", { className: "cell-sub", text: finding.detail }));
    }
  }
  const start = offsetS + segment.start_ms / 1000;
  const end = offsetS + segment.end_ms / 1000;
  const row = el("tr", { className: segment.ok ? "" : "verify-report__failed" }, [
    el("td", { className: "cell-num", text: String(segment.seq) }),
    el("th", { className: "mono archive__file", text: segment.file, attrs: { scope: "row" } }),
    el("td", { className: "cell-time", text: `${clock(start)} – ${clock(end)}` }),
    el("td", { text: SEALED[segment.sealed] || segment.sealed || "" }),
    resultCell,
  ]);
  return row;
}

function recordingVerdict(recording) {
  if (recording.ok) {
    return recording.state === "legacy"
      ? "intact (signed, no final seal: recorded before final seals existed)"
      : "intact";
  }
  const findings = recording.findings || [];
  return findings.length && findings.every((f) => f.problem === "incomplete")
    ? "incomplete"
    : "altered";
}

function recordingReport(recording, number, offsetS) {
  const findings = recording.findings || [];
  const segments = recording.segments || [];
  const heading = el("h4", {
    className: "archive__subheading",
    text: `Recording ${number}: ${recordingVerdict(recording)}`,
  });
  const table = el("table", { className: "data-table" }, [
    el("caption", {
      className: "visually-hidden",
      text: `Verification of each file of recording ${number}`,
    }),
    el("thead", {}, [
      el("tr", {}, [
        el("th", { text: "#", attrs: { scope: "col" } }),
        el("th", { text: "File", attrs: { scope: "col" } }),
        el("th", { text: "Record time", attrs: { scope: "col" } }),
        el("th", { text: "Sealed", attrs: { scope: "col" } }),
        el("th", { text: "Result", attrs: { scope: "col" } }),
      ]),
    ]),
    el("tbody"),
  ]);
  fillTable(
    table.tBodies[0],
    segments.map((segment) => segmentRow(segment, findings, offsetS)),
  );
  /** @type {HTMLElement[]} */
  const children = [heading, el("div", { className: "table-wrap" }, [table])];
  // Findings that name no listed file (the manifest, its signature, an inserted file).
  const loose = findings.filter((f) => !segments.some((s) => !s.ok && findingFor(s, [f])));
  if (loose.length) {
    children.push(
      el(
        "ul",
        { className: "verify-report__findings" },
        loose.map((f) =>
          el("li", {}, [
            el("strong", { text: `${f.subject}: ` }),
            `${problemText(f.problem)}${f.detail ? ` (${f.detail})` : ""}`,
          ]),
        ),
      ),
    );
  }
  return el("section", { className: "verify-report__recording" }, children);
}

function verdict(report) {
  const recordings = report.recordings || [];
  const files = recordings.reduce((sum, r) => sum + (r.segments || []).length, 0);
  const filesText = plural(files, "file", "files");
  if (report.ok) {
    return {
      tone: "ok",
      text: `The record is intact: ${filesText} verified against the court's signature.`,
    };
  }
  const findings = recordings.flatMap((r) => r.findings || []);
  if (findings.every((f) => f.problem === "incomplete")) {
    return {
      tone: "error",
      text:
        "The record is incomplete: a recording has no final seal (it is still running, " +
        "or was cut back to an earlier signature). It is not verified.",
    };
  }
  const first = findings[0];
  const what = first ? `${first.subject}: ${problemText(first.problem)}` : "see below";
  const others = findings.length - 1;
  const more = others > 0 ? ` and ${plural(others, "other problem", "other problems")}` : "";
  return {
    tone: "error",
    text:
      `The record has been altered: ${what}${more}. ` +
      "It no longer matches what the court signed.",
  };
}

export class Verifier {
  // offsets(): the record-time offset of each recording by id (segments are shown in it).
  constructor(hearingId, reasonOf, offsets) {
    this.hearingId = hearingId;
    this.reasonOf = reasonOf;
    this.offsets = offsets;
    $("verify-button").addEventListener("click", () => this.run());
  }

  reset() {
    $("verify-result").hidden = true;
    $("verify-report").hidden = true;
    $("verify-report").replaceChildren();
  }

  async run() {
    const button = $("verify-button");
    const result = $("verify-result");
    button.disabled = true;
    result.hidden = false;
    result.dataset.tone = "";
    result.textContent = "Verifying the record… every file is read, this may take a while.";
    $("verify-report").hidden = true;
    try {
      const report = await archive.verify(this.hearingId, this.reasonOf());
      const { tone, text } = verdict(report);
      result.dataset.tone = tone;
      result.textContent = text;
      const offsets = this.offsets();
      const sections = (report.recordings || []).map((recording, index) =>
        recordingReport(recording, index + 1, offsets[recording.recording_id] || 0),
      );
      $("verify-report").replaceChildren(...sections);
      $("verify-report").hidden = sections.length === 0;
    } catch (err) {
      result.dataset.tone = "error";
      result.textContent = `The record could not be verified: ${messageOf(err)}`;
      if (isRefusal(err)) {
        showRefused(err);
      }
    } finally {
      button.disabled = false;
    }
  }
}
