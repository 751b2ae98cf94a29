// Entry of /audit: list the audit log's entries and verify its hash chain.
// Reads /api/v1/audit and /api/v1/audit/verify with the staff session's cookie.

const PAGE_SIZE = 100;

const $ = (id) => document.getElementById(id);

const state = {
  after: 0, // the last seq shown; the next page starts after it
  action: "",
  loading: false,
};

class ProblemError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `The server answered ${status}.`);
    this.status = status;
  }
}

async function getJson(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ProblemError(response.status, body);
  }
  return body;
}

function explain(error) {
  if (error instanceof ProblemError && error.status === 401) {
    return "Log in as an administrator to read the audit log.";
  }
  if (error instanceof ProblemError && error.status === 403) {
    return "Only administrators may read the audit log. This attempt has been recorded.";
  }
  return error.message || "The audit log could not be read.";
}

function showAlert(text) {
  const alert = $("alert");
  alert.textContent = text;
  alert.hidden = !text;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

function entryRow(entry) {
  const row = document.createElement("tr");
  row.dataset.seq = String(entry.seq);
  if (entry.outcome === "denied") {
    row.className = "audit__row--denied";
  }
  const digest = cell(`${entry.digest.slice(0, 12)}…`, "audit__digest");
  digest.title = entry.digest;
  row.append(
    cell(String(entry.seq)),
    cell(entry.at.replace("T", " ").replace("Z", "")),
    cell(entry.actor),
    cell(entry.action),
    cell(entry.object),
    cell(entry.outcome === "denied" ? "Denied" : "Allowed", "audit__outcome"),
    cell(entry.reason),
    digest,
  );
  return row;
}

async function loadPage() {
  if (state.loading) {
    return;
  }
  state.loading = true;
  const more = $("more-button");
  more.disabled = true;
  const query = new URLSearchParams({ after: String(state.after), limit: String(PAGE_SIZE) });
  if (state.action) {
    query.set("action", state.action);
  }
  try {
    const page = await getJson(`/api/v1/audit?${query}`);
    $("entries").append(...page.entries.map(entryRow));
    if (page.entries.length) {
      state.after = page.entries[page.entries.length - 1].seq;
    }
    more.hidden = page.next_after === null;
    $("empty").hidden = $("entries").children.length > 0;
    showAlert("");
  } catch (error) {
    showAlert(explain(error));
  } finally {
    state.loading = false;
    more.disabled = false;
  }
}

function restart(action) {
  state.after = 0;
  state.action = action;
  $("entries").replaceChildren();
  $("more-button").hidden = true;
  loadPage();
}

async function verify() {
  const button = $("verify-button");
  const result = $("verify-result");
  button.disabled = true;
  result.hidden = false;
  result.dataset.tone = "";
  result.textContent = "Verifying the chain…";
  try {
    const report = await getJson("/api/v1/audit/verify");
    if (report.ok) {
      result.dataset.tone = "ok";
      result.textContent =
        `Intact: ${report.entries} entries, each chained to the one before. ` +
        `Head digest ${report.head}.`;
    } else {
      const broken = report.first_break;
      result.dataset.tone = "error";
      result.textContent =
        `Broken at entry ${broken.seq} (${broken.problem.replace("_", " ")}): ` +
        `${broken.detail}. ${report.entries} entries before it are intact.`;
    }
  } catch (error) {
    result.dataset.tone = "error";
    result.textContent = explain(error);
  } finally {
    button.disabled = false;
  }
}

function start() {
  $("verify-button").addEventListener("click", verify);
  $("more-button").addEventListener("click", loadPage);
  $("filter").addEventListener("submit", (event) => {
    event.preventDefault();
    restart($("action-filter").value.trim());
  });
  loadPage();
}

start();
