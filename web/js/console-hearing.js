// One hearing in the staff console: its facts, rescheduling and cancelling, its participants
// and its join links (issued, shown once, listed, revoked), and for the hearing's presiding
// judge and clerk, the way into it: "Join as judge"/"Join as clerk" (the bench gets no link).

import { api } from "./console-api.js";
import {
  actorName,
  button,
  clearError,
  field,
  fillTable,
  focusAction,
  report,
  say,
  startOf,
  submitting,
  text,
  timeSpan,
} from "./console-dom.js";
import { fillLanguages, fillPeople, loadBench } from "./console-bench.js";
import {
  clock,
  courtZone,
  dayOf,
  formatDateTime,
  formatDateTimeNamed,
  formatDay,
  wallInputs,
} from "./lib/wall-time.js";
import { byRoleThenName, CANCELLABLE, ENDED, RESCHEDULABLE, ROLE_LABELS, roleLabel, stateLabel } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";

const LINK_STATE_LABELS = {
  active: "Active",
  revoked: "Revoked",
  expired: "Expired",
  ended: "Hearing ended",
};
const FORMS = ["reschedule-form", "cancel-form", "participant-form"];
const LANGUAGE_NAMES = { az: "Azerbaijani", ru: "Russian", en: "English" };
// The bench joins from its staff session, never by a join link (the server refuses both).
const BENCH_ROLES = ["judge", "clerk"];

// A link of a closed or cancelled hearing is refused even while the link itself is active.
function linkState(link, hearing) {
  if (link.revoked_at) {
    return "revoked";
  }
  if (!link.active) {
    return "expired";
  }
  return hearing && ENDED.includes(hearing.state) ? "ended" : "active";
}

export class HearingView {
  // can(permission): whether the logged-in person may; flash(text): the page's message line;
  // onHearing(hearing): told whenever the hearing is loaded or changed (its day may change).
  // nameOf(username): a staff member's name, as far as the console knows it.
  // account(): the signed-in person ({username, role, courts}: a clerk's courts).
  constructor({ can, flash, onHearing, nameOf, account }) {
    this.can = can;
    this.account = account;
    this.nameOf = nameOf;
    this.flash = flash;
    this.onHearing = onHearing;
    /** @type {import("./lib/rest-types.js").Hearing | null} */
    this.hearing = null;
    /** @type {import("./lib/rest-types.js").Participant[]} */
    this.participants = [];
    /** @type {import("./lib/rest-types.js").JoinLink[]} */
    this.links = [];
    this.issued = null; // the id of the link whose URL is on screen (shown once)
    this.loads = 0; // a slow answer for an earlier view never overwrites a newer one
    this.bind();
  }

  // ---- loading ------------------------------------------------------------------------------

  async show(id) {
    const opening = !this.hearing || this.hearing.id !== id;
    if (opening) {
      this.reset();
    }
    for (const box of ["hearing-error", "participants-error", "links-error"]) {
      clearError(box);
    }
    const load = ++this.loads;
    /** @type {import("./lib/rest-types.js").Hearing} */
    let hearing;
    try {
      hearing = await api.hearing(id);
    } catch (err) {
      if (load === this.loads) {
        $("hearing-heading").textContent = "This hearing could not be shown";
        report(err, "hearing-error");
      }
      return;
    }
    if (load !== this.loads) {
      return;
    }
    this.setHearing(hearing);
    if (opening) {
      $("hearing-heading").focus();
    }
    const scheduler = this.mayChange();
    await Promise.all([this.loadParticipants(), scheduler ? this.loadLinks() : null]);
  }

  // The view is left: nothing still loading may draw into it, and the one-time URL goes.
  leave() {
    this.loads += 1;
    this.hideIssuedLink();
  }

  reset() {
    this.hearing = null;
    this.participants = [];
    this.links = [];
    $("hearing-case").textContent = "";
    $("hearing-heading").textContent = "Loading the hearing…";
    $("hearing-state").hidden = true;
    $("hearing-facts").replaceChildren();
    for (const id of FORMS) {
      $(id).reset();
      clearError(`${id}-error`);
    }
    this.toggleForm("reschedule-form", false);
    this.toggleForm("cancel-form", false);
    for (const id of ["participants-body", "links-body"]) {
      $(id).replaceChildren();
    }
    $("participants-empty").hidden = true;
    $("links-empty").hidden = true;
    say("participant-form-status", "");
    say("links-status", "");
    this.hideIssuedLink();
  }

  async loadParticipants() {
    const hearing = this.hearing;
    const load = this.loads;
    try {
      const data = await api.participants(hearing.id);
      if (load === this.loads) {
        this.participants = (data.participants || []).sort(byRoleThenName);
        this.renderParticipants();
      }
    } catch (err) {
      if (load === this.loads) {
        report(err, "participants-error");
      }
    }
  }

  async loadLinks() {
    const hearing = this.hearing;
    const load = this.loads;
    try {
      const data = await api.links(hearing.id);
      if (load === this.loads) {
        this.links = data.links || [];
        this.renderLinks();
      }
    } catch (err) {
      if (load === this.loads) {
        report(err, "links-error");
      }
    }
  }

  // ---- the hearing itself -------------------------------------------------------------------

  setHearing(hearing) {
    this.hearing = hearing;
    this.onHearing(hearing);
    this.renderHearing();
  }

  renderHearing() {
    const hearing = this.hearing;
    const start = hearing.scheduled_start;
    const day = start ? dayOf(start) : null;
    document.title = `${hearing.case_number} — Courtroom staff console`;
    $("back-link").textContent = day ? `‹ Hearings on ${formatDay(day)}` : "‹ Today's hearings";
    $("back-link").href = day ? `#day=${day}` : "#";
    $("hearing-case").textContent = `Case ${hearing.case_number}`;
    $("hearing-heading").textContent = hearing.title;
    const state = $("hearing-state");
    state.className = `badge badge--${hearing.state}`;
    state.textContent = stateLabel(hearing.state);
    state.hidden = false;

    const facts = [
      ["Date", day ? formatDay(day) : "Not scheduled"],
      ["Time", start ? `${timeSpan(hearing)} (${courtZone()})` : "—"],
      ["Duration", `${hearing.duration_minutes} minutes`],
      ["Court", hearing.court || "—"],
      ["Courtroom", hearing.courtroom || "—"],
      ["Presiding judge", this.nameOf(hearing.presiding_judge) || "—"],
      ["Court clerk", this.nameOf(hearing.clerk) || "—"],
      ["Language", LANGUAGE_NAMES[hearing.language] || hearing.language],
      ["Reference", hearing.id],
    ];
    $("hearing-facts").replaceChildren(
      ...facts.map(([term, value]) =>
        el("div", { className: "facts__item" }, [
          el("dt", { text: term }),
          el("dd", { className: term === "Reference" ? "mono" : "", text: value }),
        ]),
      ),
    );

    const scheduler = this.mayChange();
    const reschedulable = scheduler && RESCHEDULABLE.includes(hearing.state);
    const cancellable = scheduler && CANCELLABLE.includes(hearing.state);
    $("reschedule-button").hidden = !reschedulable;
    $("cancel-button").hidden = !cancellable;
    $("schedule-actions").hidden = !reschedulable && !cancellable;
    if (!reschedulable) {
      this.toggleForm("reschedule-form", false);
    }
    if (!cancellable) {
      this.toggleForm("cancel-form", false);
    }

    const ended = ENDED.includes(hearing.state);
    $("hearing-ended").hidden = !ended;
    $("hearing-ended").textContent = ended
      ? `This hearing is ${stateLabel(hearing.state).toLowerCase()}. It takes no more ` +
        "participants or join links."
      : "";
    $("participant-form").hidden = ended || !scheduler;
    $("links-section").hidden = !scheduler;

    const seat = this.benchSeat();
    $("bench-actions").hidden = ended || !seat;
    $("join-bench").textContent = seat === "judge" ? "Join as judge" : "Join as clerk";
    clearError("join-bench-error");
  }

  // Whether the signed-in person may change this hearing: a judge only the hearings that
  // name them, a clerk those and the hearings of their courts (the server refuses the
  // others); the e-court system's schedulers are not signed in here.
  mayChange() {
    if (!this.can("schedule_hearings")) {
      return false;
    }
    const me = this.account() || {};
    const ofMyCourt =
      me.role === "clerk" && Boolean(this.hearing) && (me.courts || []).includes(this.hearing.court);
    return !["judge", "clerk"].includes(me.role) || ofMyCourt || this.benchSeat() !== null;
  }

  // "judge" or "clerk" when the signed-in person is this hearing's presiding judge or clerk.
  benchSeat() {
    const me = this.account() || {};
    const hearing = this.hearing;
    if (!hearing || !me.username) {
      return null;
    }
    if (me.role === "judge" && hearing.presiding_judge === me.username) {
      return "judge";
    }
    if (me.role === "clerk" && hearing.clerk === me.username) {
      return "clerk";
    }
    return null;
  }

  // Asks for a join token bound to this session and opens the hearing page with it, here:
  // a window opened after an awaited request would be taken for a pop-up and blocked.
  async joinBench() {
    clearError("join-bench-error");
    const joining = $("join-bench");
    joining.disabled = true;
    try {
      const joined = await api.joinBench(this.hearing.id);
      window.location.assign(joined.url);
    } catch (err) {
      report(err, "join-bench-error");
      joining.disabled = false;
    }
  }

  get editable() {
    return Boolean(this.hearing) && !ENDED.includes(this.hearing.state) && this.mayChange();
  }

  // Shows or hides one of the inline forms (reschedule, cancel); one at a time.
  toggleForm(id, open) {
    const form = $(id);
    const opener = $(id === "reschedule-form" ? "reschedule-button" : "cancel-button");
    form.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      const other = id === "reschedule-form" ? "cancel-form" : "reschedule-form";
      if (!$(other).hidden) {
        this.toggleForm(other, false);
      }
      form.querySelector("input").focus();
    }
  }

  // The change form opens with the hearing as it is; what is changed is sent (PATCH).
  openReschedule() {
    const form = $("reschedule-form");
    const hearing = this.hearing;
    if (form.hidden) {
      const { day, time } = wallInputs(hearing.scheduled_start);
      for (const [name, value] of [
        ["case_number", hearing.case_number],
        ["title", hearing.title],
        ["court", hearing.court],
        ["courtroom", hearing.courtroom],
        ["date", day],
        ["time", time],
        ["duration_minutes", String(hearing.duration_minutes)],
        ["reason", ""],
      ]) {
        field(form, name).value = value;
      }
      $("rf-zone").textContent =
        `The date and start time are the court's, in ${courtZone()} (24-hour clock).`;
      this.fillChoices(form).catch((err) => report(err, "reschedule-form-error"));
    }
    this.toggleForm("reschedule-form", form.hidden);
  }

  async fillChoices(form) {
    const hearing = this.hearing;
    const [bench] = await Promise.all([
      loadBench(),
      fillLanguages(field(form, "language"), hearing.language),
    ]);
    fillPeople(field(form, "presiding_judge"), bench.judges, hearing.presiding_judge, "");
    fillPeople(field(form, "clerk"), bench.clerks, hearing.clerk, hearing.clerk ? "" : "No clerk named");
  }

  async reschedule(form) {
    await submitting(form, "reschedule-form-error", async () => {
      const hearing = this.hearing;
      /** @type {Record<string, string | number>} */
      const wanted = {
        case_number: text(form, "case_number"),
        title: text(form, "title"),
        court: text(form, "court"),
        courtroom: text(form, "courtroom"),
        presiding_judge: field(form, "presiding_judge").value,
        clerk: field(form, "clerk").value,
        scheduled_start: startOf(form),
        duration_minutes: Number(field(form, "duration_minutes").value),
        language: field(form, "language").value,
      };
      // Only what changed: the audit log says what the clerk changed, and a judge who
      // edits their own hearing does not re-send (and re-assert) the presiding judge.
      /** @type {import("./lib/rest-types.js").HearingUpdate} */
      const body = { reason: text(form, "reason") };
      for (const [name, value] of Object.entries(wanted)) {
        const before = name === "scheduled_start" ? Date.parse(hearing[name]) : hearing[name];
        const after = name === "scheduled_start" ? Date.parse(String(value)) : value;
        if (after !== before && !(name === "clerk" && !value)) {
          body[name] = value;
        }
      }
      if (Object.keys(body).length === 1) {
        throw new Error("Nothing was changed.");
      }
      const updated = await api.updateHearing(hearing.id, body);
      form.reset();
      this.toggleForm("reschedule-form", false);
      this.setHearing(updated);
      this.flash(
        `Hearing ${updated.case_number} changed: ` +
          `${formatDay(dayOf(updated.scheduled_start))} at ${clock(updated.scheduled_start)} ` +
          `(${courtZone()}).`,
      );
      $("reschedule-button").focus();
      await this.loadLinks(); // a link's validity follows the scheduled end
    });
  }

  async cancel(form) {
    await submitting(form, "cancel-form-error", async () => {
      const cancelled = await api.cancel(this.hearing.id, { reason: text(form, "reason") });
      form.reset();
      this.toggleForm("cancel-form", false);
      this.setHearing(cancelled);
      this.renderParticipants();
      this.renderLinks();
      this.flash(`Hearing ${cancelled.case_number} was cancelled.`);
      $("hearing-heading").focus();
    });
  }

  // ---- participants -------------------------------------------------------------------------

  participantName(id) {
    const found = this.participants.find((p) => p.id === id);
    return found ? found.name : null;
  }

  renderParticipants() {
    const editable = this.editable;
    const rows = this.participants.map((participant) => {
      const represented = participant.represents
        ? this.participantName(participant.represents)
        : null;
      const actions = el("td", { className: "cell-actions" });
      if (editable && !BENCH_ROLES.includes(participant.role)) {
        actions.append(
          button(
            "Issue join link",
            () => this.issueLink(participant).catch((err) => report(err, "participants-error")),
            "button--primary-quiet",
            "issue-link",
          ),
        );
      }
      if (editable) {
        actions.append(
          button(
            "Remove",
            () => this.confirmRemoval(participant, actions),
            "button--danger-quiet",
            "remove",
          ),
        );
      }
      const custody = participant.in_custody
        ? el("span", { className: "tag tag--custody", text: "In custody" })
        : el("span", { className: "muted", text: "—" });
      const row = el("tr", {}, [
        el("th", { attrs: { scope: "row" }, text: participant.name }),
        el("td", { text: participant.role_label || roleLabel(participant.role) }),
        el("td", { text: represented || "—" }),
        el("td", {}, [custody]),
        actions,
      ]);
      row.dataset.participantId = participant.id;
      row.dataset.role = participant.role;
      return row;
    });
    fillTable($("participants-body"), rows);
    $("participants-empty").hidden = rows.length > 0;
    this.fillRepresents();
    if (this.links.length) {
      this.renderLinks(); // the links table names participants
    }
  }

  fillRepresents() {
    const select = $("pf-represents");
    const chosen = select.value;
    select.replaceChildren(
      el("option", { text: "Nobody", attrs: { value: "" } }),
      ...this.participants.map((p) =>
        el("option", {
          text: `${p.name} (${p.role_label || roleLabel(p.role)})`,
          attrs: { value: p.id },
        }),
      ),
    );
    select.value = this.participants.some((p) => p.id === chosen) ? chosen : "";
  }

  async addParticipant(form) {
    say("participant-form-status", "");
    await submitting(form, "participant-form-error", async () => {
      const body = {
        name: text(form, "name"),
        role: field(form, "role").value,
        in_custody: field(form, "in_custody").checked,
      };
      if (field(form, "represents").value) {
        body.represents = field(form, "represents").value;
      }
      const added = await api.addParticipant(this.hearing.id, body);
      form.reset();
      say(
        "participant-form-status",
        `Added ${added.name} as ${added.role_label || roleLabel(added.role)}.`,
      );
      field(form, "name").focus();
      await this.loadParticipants();
    });
  }

  confirmRemoval(participant, cell) {
    clearError("participants-error");
    const row = `tr[data-participant-id="${CSS.escape(participant.id)}"]`;
    const keep = button("Keep", () => {
      this.renderParticipants();
      focusAction(row, "remove");
    });
    const remove = button(
      "Yes, remove",
      async () => {
        remove.disabled = true;
        keep.disabled = true;
        try {
          await api.removeParticipant(this.hearing.id, participant.id);
          say(
            "participant-form-status",
            `Removed ${participant.name}. Their join links no longer work.`,
          );
          await Promise.all([this.loadParticipants(), this.loadLinks()]);
          $("participants-heading").focus();
        } catch (err) {
          report(err, "participants-error");
          this.renderParticipants();
        }
      },
      "button--danger",
    );
    cell.replaceChildren(
      el("span", {
        className: "confirm",
        text: `Remove ${participant.name}? Their join links stop working.`,
      }),
      remove,
      keep,
    );
    keep.focus();
  }

  // ---- join links ---------------------------------------------------------------------------

  async issueLink(participant) {
    clearError("participants-error");
    say("participant-form-status", "");
    const issued = await api.issueLink(this.hearing.id, participant.id);
    this.issued = issued.id;
    const role = participant.role_label || roleLabel(participant.role);
    $("issued-link-heading").textContent = `Join link for ${participant.name} (${role})`;
    $("issued-link-url").value = issued.url;
    $("issued-link-expiry").textContent = `Valid until ${formatDateTimeNamed(issued.expires_at)}.`;
    $("copy-status").textContent = "";
    $("issued-link").hidden = false;
    $("issued-link").scrollIntoView({ block: "nearest" });
    $("copy-link").focus();
    await this.loadLinks();
  }

  hideIssuedLink() {
    // Shown once: the URL is kept nowhere once the box is closed.
    this.issued = null;
    $("issued-link").hidden = true;
    $("issued-link-url").value = "";
    $("copy-status").textContent = "";
  }

  async copyLink() {
    const input = $("issued-link-url");
    try {
      if (!navigator.clipboard || !window.isSecureContext) {
        throw new Error("no clipboard here");
      }
      await navigator.clipboard.writeText(input.value);
      say("copy-status", "Copied. Paste it into your message to the participant.");
    } catch {
      input.focus();
      input.select();
      say(
        "copy-status",
        "This browser did not allow copying. The link is selected: press Ctrl+C (⌘C on a Mac).",
      );
    }
  }

  renderLinks() {
    $("links-zone").textContent = `Times are the court's, in ${courtZone()}.`;
    const links = [...this.links].sort((a, b) => String(b.issued_at).localeCompare(a.issued_at));
    const editable = this.editable;
    const rows = links.map((link) => {
      const state = linkState(link, this.hearing);
      const name = this.participantName(link.participant_id);
      const stateCell = el("td", {}, [
        el("span", { className: `tag tag--${state}`, text: LINK_STATE_LABELS[state] }),
      ]);
      if (state === "revoked") {
        stateCell.append(
          el("span", {
            className: "cell-sub",
            text: `by ${actorName(link.revoked_by)}, ${formatDateTime(link.revoked_at)}`,
          }),
        );
      }
      const actions = el("td", { className: "cell-actions" });
      if (state === "active" && editable) {
        actions.append(
          button(
            "Revoke",
            () => this.confirmRevocation(link, name, actions),
            "button--danger-quiet",
            "revoke",
          ),
        );
      }
      const who = name
        ? el("span", { text: name })
        : el("span", { className: "muted", text: "Removed participant" });
      const row = el("tr", { className: `link-row link-row--${state}` }, [
        el("th", { attrs: { scope: "row" } }, [who]),
        el("td", { text: roleLabel(link.role) }),
        el("td", {}, [
          el("span", { text: formatDateTime(link.issued_at) }),
          el("span", { className: "cell-sub", text: `by ${actorName(link.issued_by)}` }),
        ]),
        el("td", { text: formatDateTime(link.expires_at) }),
        stateCell,
        actions,
      ]);
      row.dataset.linkId = link.id;
      row.dataset.participantId = link.participant_id;
      row.dataset.state = state;
      return row;
    });
    fillTable($("links-body"), rows);
    $("links-empty").hidden = rows.length > 0;
    const shown = links.find((link) => link.id === this.issued);
    if (shown && linkState(shown, this.hearing) !== "active") {
      this.hideIssuedLink(); // revoked, removed or ended: the URL opens nothing any more
    }
  }

  confirmRevocation(link, name, cell) {
    clearError("links-error");
    const row = `tr[data-link-id="${CSS.escape(link.id)}"]`;
    const keep = button("Keep", () => {
      this.renderLinks();
      focusAction(row, "revoke");
    });
    const revoke = button(
      "Yes, revoke",
      async () => {
        revoke.disabled = true;
        keep.disabled = true;
        try {
          await api.revokeLink(this.hearing.id, link.id);
          say("links-status", `The join link of ${name || "the removed participant"} was revoked.`);
          await this.loadLinks();
          $("links-heading").focus();
        } catch (err) {
          report(err, "links-error");
          this.renderLinks();
        }
      },
      "button--danger",
    );
    cell.replaceChildren(
      el("span", { className: "confirm", text: "Revoke this link? It stops working at once." }),
      revoke,
      keep,
    );
    keep.focus();
  }

  // ---- wiring -------------------------------------------------------------------------------

  bind() {
    const onSubmit = (id, handler) =>
      $(id).addEventListener("submit", (event) => {
        event.preventDefault();
        handler(event.currentTarget);
      });
    onSubmit("reschedule-form", (form) => this.reschedule(form));
    onSubmit("cancel-form", (form) => this.cancel(form));
    onSubmit("participant-form", (form) => this.addParticipant(form));
    $("reschedule-button").addEventListener("click", () => this.openReschedule());
    $("cancel-button").addEventListener("click", () =>
      this.toggleForm("cancel-form", $("cancel-form").hidden),
    );
    for (const closer of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-close]"))) {
      const id = closer.dataset.close;
      closer.addEventListener("click", () => {
        this.toggleForm(id, false);
        $(id === "reschedule-form" ? "reschedule-button" : "cancel-button").focus();
      });
    }
    $("copy-link").addEventListener("click", () => this.copyLink());
    $("issued-link-done").addEventListener("click", () => {
      this.hideIssuedLink();
      $("participants-heading").focus();
    });
    $("pf-role").replaceChildren(
      el("option", { text: "Choose a role", attrs: { value: "" } }),
      ...Object.entries(ROLE_LABELS)
        .filter(([value]) => !BENCH_ROLES.includes(value))
        .map(([value, label]) => el("option", { text: label, attrs: { value } })),
    );
    $("join-bench").addEventListener("click", () => this.joinBench());
  }
}
