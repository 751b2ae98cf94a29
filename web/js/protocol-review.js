// Entry of /hearings/{id}/protocol: the court protocol after the hearing, for the judge and
// the clerk. It is shown as the court document, each entry edited before signing with its
// history a click away; the presiding judge and the clerk each sign it once the hearing has
// closed; once both have, mistakes are put right by corrections appended with their
// reasons; and it downloads as HTML, PDF or JSON in three languages.
//
// The server decides every action again: what this page hides or disables it only hides
// because the server would refuse it, and the page says why. Refusals are said in words.

import { api } from "./console-api.js";
import { ApiError, call, whenLoggedOut } from "./lib/http.js";
import { loadCourt } from "./lib/court.js";
import { formatDateTimeNamed } from "./lib/wall-time.js";
import { clearError, field, showError, submitting } from "./console-dom.js";
import { kindLabel, stateLabel } from "./lib/terms.js";
import { drawSheet, historyRow, showingHistory } from "./protocol-review-sheet.js";
import { signingState } from "./protocol-terms.js";
import { $, el } from "./lib/dom.js";

const STAFF_ROLE_LABELS = {
  administrator: "Administrator",
  judge: "Judge",
  clerk: "Court clerk",
  archivist: "Archivist",
};
const LANGUAGES = [
  ["en", "English"],
  ["az", "Azerbaijani"],
  ["ru", "Russian"],
];
const FORMATS = [
  ["html", "HTML"],
  ["pdf", "PDF"],
  ["json", "JSON"],
];
const ROLE_WORDS = { judge: "the judge", clerk: "the clerk" };

/** @type {{id: string, account: import("./lib/rest-types.js").Session | null, view: import("./lib/rest-types.js").Protocol | null, loads: number}} */
const page = { id: hearingIdFromPath(), account: null, view: null, loads: 0 };
const base = () => `/api/v1/hearings/${encodeURIComponent(page.id)}/protocol`;
const hearing = () => ({ hearing_id: page.id });
// Every read of a protocol is audited with its reader's reason (server/api/guard.py
// `reading`): this page's is the bench's review of the record before and after signing.
const REVIEW = new URLSearchParams({ reason: "review of the protocol by the bench" });

function hearingIdFromPath() {
  const match = /^\/hearings\/([^/]+)\/protocol\/?$/.exec(window.location.pathname);
  try {
    return match ? decodeURIComponent(match[1]) : "";
  } catch {
    return "";
  }
}

function alertWith(message) {
  $("review-alert").textContent = message;
  $("review-alert").hidden = false;
  $("review-alert").focus();
}

function flash(message) {
  $("review-flash").textContent = message;
  $("review-flash").hidden = !message;
}

// "8 December 2026, 14:30 (Asia/Baku)": the court's time, whoever reads it where.
function signedAt(seconds) {
  return formatDateTimeNamed(Number(seconds) * 1000);
}

// "staff:alice" -> "alice".
function accountOf(label) {
  const [, ...rest] = String(label || "").split(":");
  return rest.join(":") || String(label || "");
}

// As whom this account signs, or why it does not (server/protocol_signing.py decides: a
// judge signs as the judge of the hearings they preside over, a clerk as the clerk).
function signer(account, hearing) {
  const permissions = Array.isArray(account.permissions) ? account.permissions : [];
  if (!permissions.includes("sign_protocol")) {
    return { role: null, why: "Only the presiding judge and the court clerk sign and correct the protocol." };
  }
  if (account.role === "judge") {
    return hearing.presiding_judge === account.username
      ? { role: "judge" }
      : { role: null, why: `Only the presiding judge of this hearing (${hearing.presiding_judge || "not named"}) signs it as judge.` };
  }
  return { role: "clerk" };
}

// ---- loading --------------------------------------------------------------------------

async function load() {
  const ticket = ++page.loads;
  try {
    const view = await call("GET /api/v1/hearings/{hearing_id}/protocol", {
      path: hearing(),
      query: REVIEW,
    });
    if (ticket === page.loads) {
      page.view = view;
      render(view);
    }
  } catch (err) {
    if (ticket !== page.loads) {
      return;
    }
    $("review").hidden = true;
    alertWith(
      err instanceof ApiError && err.status === 404
        ? "There is no such hearing. Check the address, or open the hearing from the staff console."
        : `The protocol cannot be shown. ${err.detail || err.message || err}`,
    );
  }
}

function render(view) {
  const first = $("review").hidden;
  const hearing = view.hearing || {};
  document.title = `Protocol ${hearing.case_number || ""} — Courtroom`;
  drawSheet(view, { onHistory: toggleHistory });
  showState(view);
  const me = signer(page.account, hearing);
  showSigning(view, hearing, me);
  showCorrecting(view, me);
  showExports();
  $("review").hidden = false;
  if (first) {
    $("sheet-title").focus();
  }
}

function showState(view) {
  const state = signingState(view.signatures);
  const badge = $("state-badge");
  badge.className = `protocol-state protocol-state--${state.key}`;
  badge.textContent = state.label;
  $("state-note").textContent = state.note;
  $("state-digest").textContent = view.digest || "No entries yet: there is nothing to digest.";
  const signed = (view.signatures || []).map((s) => s.digest);
  $("state-digest-note").hidden = !signed.length || signed.includes(view.digest);
  $("signatures").replaceChildren(
    ...(view.signatures || []).map((s) =>
      el("li", {}, [
        el("strong", { text: `Signed by ${ROLE_WORDS[s.role] || s.role}` }),
        ` (${accountOf(s.signer)}) on ${signedAt(s.signed_at)}`,
        el("span", { className: "review__digest review__digest--small", text: `Signed digest: ${s.digest}` }),
      ]),
    ),
  );
}

function showSigning(view, hearing, me) {
  const button = $("sign-button");
  const signedBy = new Map((view.signatures || []).map((s) => [s.role, s]));
  let why = "";
  let shown = Boolean(me.role);
  let enabled = false;
  if (!me.role) {
    why = me.why;
  } else if (signedBy.has(me.role)) {
    const mine = signedBy.get(me.role);
    why = `The protocol is signed as ${me.role} by ${accountOf(mine.signer)} on ${signedAt(mine.signed_at)}.`;
    shown = false;
  } else if (hearing.state !== "closed") {
    why = `The protocol is signed once the hearing has closed. This hearing is ${stateLabel(hearing.state).toLowerCase()}.`;
  } else if (!(view.entries || []).length) {
    why = "The protocol has no entries to sign.";
  } else {
    enabled = true;
    why =
      "Signing records the protocol's digest as you see it here. From the first signature on, " +
      "nothing in it is rewritten; once both have signed, mistakes are corrected by appended corrections.";
  }
  button.hidden = !shown;
  button.disabled = !enabled;
  button.textContent = me.role === "judge" ? "Sign as judge" : "Sign as clerk";
  button.setAttribute("aria-describedby", "sign-why");
  $("sign-why").textContent = why;
}

function showCorrecting(view, me) {
  const form = $("correct-form");
  let why = "";
  if (!me.role) {
    why = me.why;
  } else if (!view.finalised) {
    why = "Corrections are appended once both the judge and the clerk have signed the protocol.";
  }
  form.hidden = Boolean(why);
  $("correct-why").textContent = why;
  $("correct-why").hidden = !why;
  if (why) {
    return;
  }
  const select = field(form, "number");
  const kept = select.value;
  const entries = [...(view.entries || [])].sort((a, b) => a.number - b.number);
  select.replaceChildren(
    ...entries.map((entry) => {
      const text = entry.text.length > 60 ? `${entry.text.slice(0, 60)}…` : entry.text;
      const option = el("option", { text: `${entry.number}. ${kindLabel(entry.kind)}: ${text}` });
      option.value = String(entry.number);
      return option;
    }),
  );
  if (kept && entries.some((e) => String(e.number) === kept)) {
    select.value = kept;
  }
}

function showExports() {
  const rows = LANGUAGES.map(([lang, language]) =>
    el("tr", {}, [
      el("th", { attrs: { scope: "row" }, text: language }),
      ...FORMATS.map(([format, name]) => {
        const link = el("a", {
          className: "review__export",
          text: name,
          attrs: {
            href: `${base()}/export?${new URLSearchParams({ format, lang, reason: REVIEW.get("reason") || "" })}`,
            download: "",
            "aria-label": `${name}, ${language}`,
          },
        });
        return el("td", {}, [link]);
      }),
    ]),
  );
  $("exports-body").replaceChildren(...rows);
}

// ---- actions -------------------------------------------------------------------------

// Opens (loading it the first time) or closes the list of an entry's versions under it.
async function toggleHistory(entry, tr, button) {
  const open = document.getElementById(`history-${entry.number}`);
  if (open) {
    open.hidden = !open.hidden;
    showingHistory(button, entry.number, !open.hidden);
    return;
  }
  button.disabled = true;
  try {
    const history = await call(
      "GET /api/v1/hearings/{hearing_id}/protocol/entries/{entry_id}/revisions",
      { path: { ...hearing(), entry_id: entry.id }, query: REVIEW },
    );
    if (tr.isConnected && !document.getElementById(`history-${entry.number}`)) {
      tr.after(historyRow(entry, history.revisions || [], page.view, signedAt));
      showingHistory(button, entry.number, true);
    }
  } catch (err) {
    flash(`The history of entry ${entry.number} cannot be shown. ${err.detail || err.message || err}`);
  } finally {
    button.disabled = false;
  }
}

async function sign() {
  const button = $("sign-button");
  button.disabled = true;
  clearError("sign-error");
  try {
    const view = await call("POST /api/v1/hearings/{hearing_id}/protocol/sign", {
      path: hearing(),
      body: {},
    });
    page.view = { ...page.view, ...view };
    render(page.view);
    const state = signingState(view.signatures);
    flash(`Signed. The protocol is now: ${state.label.toLowerCase()}.`);
  } catch (err) {
    showError("sign-error", err);
    button.disabled = false;
    await load(); // someone may have signed or changed the hearing meanwhile
  }
}

async function correct(form) {
  await submitting(form, "correct-error", async () => {
    const answer = await call("POST /api/v1/hearings/{hearing_id}/protocol/corrections", {
      path: hearing(),
      body: {
        number: Number(field(form, "number").value),
        text: field(form, "text").value.trim(),
        reason: field(form, "reason").value.trim(),
      },
    });
    // A reset, not emptied fields: emptied required fields would show as wrongly filled.
    form.reset();
    flash(`The correction was appended to the protocol as entry ${answer.entry.number}.`);
    await load();
  });
}

// ---- start ---------------------------------------------------------------------------

async function main() {
  $("sign-button").addEventListener("click", sign);
  $("correct-form").addEventListener("submit", (event) => {
    event.preventDefault();
    correct(event.currentTarget);
  });
  /** @type {import("./lib/rest-types.js").Session} */
  let account;
  try {
    account = await api.session();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace("/login");
      return;
    }
    $("review-loading").hidden = true;
    alertWith(err.detail || String(err));
    return;
  }
  whenLoggedOut(() =>
    alertWith("Your session has ended, so the court server refused the last action. Log in again and repeat it."),
  );
  page.account = account;
  $("account-name").textContent = account.display_name || account.username || "";
  $("account-role").textContent = STAFF_ROLE_LABELS[account.role] || account.role || "";
  $("account").hidden = false;
  $("review-loading").hidden = true;
  if (!page.id) {
    alertWith("This address names no hearing.");
    return;
  }
  try {
    await loadCourt(); // the hearing's day and the signing times are the court's
  } catch (err) {
    alertWith(err.detail || String(err));
    return;
  }
  await load();
}

main();
