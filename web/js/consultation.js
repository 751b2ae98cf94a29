// Private consultation between a defendant and defence counsel (with an interpreter if one
// is assigned): asking for one, answering a request, and ending it. Never recorded; each
// consultation is its own room, so nobody else can see or hear it (court/rooms.py).

import { CONSULTING_ROLES } from "./lib/terms.js";
import { ClientEvent } from "./events.js";
import * as view from "./view.js";
import { $ } from "./lib/dom.js";

const PRIVATE = "It is not recorded, and nobody else can see or hear it.";

function listNames(names) {
  if (names.length <= 1) {
    return names.join("");
  }
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export class Consultations {
  // getSelf(): our participant; getPresent(): Map id -> participant (others in our room).
  /**
   * @param {{signaling: any, getSelf: () => any, getPresent: () => Map<string, any>,
   *   onError?: (err: any) => void}} options
   */
  constructor({ signaling, getSelf, getPresent, onError = () => {} }) {
    this._signaling = signaling;
    this._getSelf = getSelf;
    this._getPresent = getPresent;
    this._onError = onError;
    this._names = new Map(); // everyone we have seen, so an answer can be named later
    this.current = null; // the active consultation we are in
    this.pending = null; // our own request, waiting for answers
    this._roomId = null;
    $("consult-button").addEventListener("click", () => this.openPicker());
    $("end-consultation-button").addEventListener("click", () => this.end());
  }

  // Which button fits the room the person is in now.
  configure({ room }) {
    const self = this._getSelf();
    const mayAsk = Boolean(self && CONSULTING_ROLES.includes(self.role));
    const kind = room ? room.kind : null;
    this._roomId = room ? room.id : null;
    $("consult-button").hidden = !(mayAsk && (kind === "hearing" || kind === "waiting"));
    $("end-consultation-button").hidden = kind !== "consultation";
    if (kind !== "consultation" && this.current) {
      this.current = null;
    }
  }

  describe() {
    return { current: this.current, pending: this.pending };
  }

  // ---- asking --------------------------------------------------------------------------------

  _eligible() {
    const self = this._getSelf();
    return [...this._getPresent().values()].filter(
      (p) => p.id !== (self && self.id) && CONSULTING_ROLES.includes(p.role),
    );
  }

  openPicker() {
    const dialog = document.createElement("dialog");
    dialog.className = "dialog";
    dialog.setAttribute("aria-labelledby", "consult-title");
    const title = document.createElement("h2");
    title.id = "consult-title";
    title.className = "dialog__title";
    title.textContent = "Private consultation";
    const intro = document.createElement("p");
    intro.textContent = `Talk privately before or during the hearing. ${PRIVATE}`;
    dialog.append(title, intro);

    const people = this._eligible();
    const boxes = [];
    if (people.length) {
      const fieldset = document.createElement("fieldset");
      fieldset.className = "dialog__choices";
      const legend = document.createElement("legend");
      legend.textContent = "Who should take part?";
      fieldset.append(legend);
      for (const person of people) {
        const row = document.createElement("div");
        row.className = "field--check";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = `consult-${person.id}`;
        box.value = person.id;
        box.checked = true;
        const label = document.createElement("label");
        label.htmlFor = box.id;
        label.textContent = `${person.name} (${person.role_label || person.role})`;
        row.append(box, label);
        fieldset.append(row);
        boxes.push(box);
      }
      dialog.append(fieldset);
    } else {
      const none = document.createElement("p");
      none.className = "dialog__none";
      none.textContent =
        "Nobody you can consult privately is here at the moment. Defence counsel, the defendant and an interpreter can consult each other.";
      dialog.append(none);
    }
    const problem = document.createElement("p");
    problem.className = "dialog__error";
    problem.setAttribute("role", "alert");
    problem.hidden = true;
    const close = () => {
      dialog.close();
      dialog.remove();
      $("consult-button").focus();
    };
    const actions = document.createElement("div");
    actions.className = "actions";
    if (people.length) {
      actions.append(
        view.button(
          "Ask for a private consultation",
          async () => {
            const ids = boxes.filter((b) => b.checked).map((b) => b.value);
            if (!ids.length) {
              problem.textContent = "Choose at least one person.";
              problem.hidden = false;
              return;
            }
            try {
              await this.request(ids);
              close();
            } catch (err) {
              problem.textContent = err.message;
              problem.hidden = false;
            }
          },
          "button--primary",
        ),
      );
    }
    actions.append(view.button(people.length ? "Cancel" : "Close", close));
    dialog.append(problem, actions);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close();
    });
    document.body.append(dialog);
    dialog.showModal();
  }

  async request(participantIds) {
    const data = await this._signaling.command(ClientEvent.REQUEST_CONSULTATION, {
      participant_ids: participantIds,
    });
    this.pending = data.consultation || null;
    if (this.pending && this.pending.state === "requested") {
      this._showPending(this.pending);
    }
  }

  _showPending(consultation) {
    const self = this._getSelf();
    const invited = consultation.participant_ids.filter(
      (id) => id !== (self && self.id) && !(consultation.accepted_ids || []).includes(id),
    );
    view.showPrompt({
      id: `consultation-${consultation.id}`,
      title: "Private consultation requested",
      text: `Waiting for ${listNames(invited.map((id) => this._name(id)))} to accept.`,
      actions: [
        view.button("Withdraw the request", () => this.end(consultation.id).catch(this._onError)),
      ],
    });
  }

  // After a join: the person's own consultations (a reload during a request or inside one).
  restore(consultations, room) {
    this.current = null;
    this.pending = null;
    for (const consultation of consultations) {
      if (consultation.state === "active" && room && room.kind === "consultation") {
        this.current = consultation;
      } else if (consultation.state === "requested") {
        this.onRequested(consultation);
      }
    }
  }

  // ---- answering -----------------------------------------------------------------------------

  onRequested(consultation) {
    this._remember();
    const self = this._getSelf();
    if (!self || !consultation) {
      return;
    }
    if (consultation.requested_by === self.id) {
      this.pending = consultation;
      this._showPending(consultation);
      return;
    }
    const invited = consultation.participant_ids.includes(self.id);
    if (!invited || (consultation.accepted_ids || []).includes(self.id)) {
      return;
    }
    const others = consultation.participant_ids.filter(
      (id) => id !== self.id && id !== consultation.requested_by,
    );
    const withWhom = others.length ? `, with ${listNames(others.map((id) => this._name(id)))}` : "";
    const accept = view.button("Accept", () => this._respond(consultation, true), "button--primary");
    view.showPrompt({
      id: `consultation-${consultation.id}`,
      tone: "alert",
      title: "Private consultation",
      text: `${this._name(consultation.requested_by)} asks you to join a private consultation${withWhom}. ${PRIVATE}`,
      actions: [accept, view.button("Decline", () => this._respond(consultation, false))],
    });
    accept.focus();
  }

  async _respond(consultation, accept) {
    view.removePrompt(`consultation-${consultation.id}`);
    try {
      await this._signaling.command(ClientEvent.RESPOND_CONSULTATION, {
        consultation_id: consultation.id,
        accept,
      });
    } catch (err) {
      this._onError(err);
    }
  }

  onStarted(consultation) {
    view.removePrompt(`consultation-${consultation.id}`);
    this.pending = null;
    this.current = consultation;
  }

  onEnded(consultation, reason) {
    view.removePrompt(`consultation-${consultation.id}`);
    const self = this._getSelf();
    const wasPending = this.pending && this.pending.id === consultation.id;
    const wasInvited = self && consultation.participant_ids.includes(self.id);
    if (this.current && this.current.id === consultation.id) {
      this.current = null;
      view.announce("The private consultation has ended.");
    } else if (wasPending || (wasInvited && consultation.requested_by !== self.id)) {
      view.showPrompt({
        id: `consultation-${consultation.id}`,
        title: "Private consultation",
        text: reason
          ? `The private consultation did not take place: ${reason}.`
          : "The request for a private consultation has ended.",
        actions: [view.button("OK", () => view.removePrompt(`consultation-${consultation.id}`))],
      });
    }
    if (wasPending) {
      this.pending = null;
    }
  }

  async end(consultationId = null) {
    // The room of a consultation is named "<hearing id>:<consultation id>" (the fallback if
    // the page never saw the consultation itself).
    const fromRoom = this._roomId ? this._roomId.split(":").pop() : null;
    const id = consultationId || (this.current && this.current.id) || fromRoom;
    if (!id) {
      return;
    }
    const button = $("end-consultation-button");
    button.disabled = true;
    try {
      await this._signaling.command(ClientEvent.END_CONSULTATION, { consultation_id: id });
    } catch (err) {
      this._onError(err);
    } finally {
      button.disabled = false;
    }
  }

  // ---- names ---------------------------------------------------------------------------------

  _remember() {
    for (const person of this._getPresent().values()) {
      this._names.set(person.id, person.name);
    }
  }

  _name(id) {
    this._remember();
    return this._names.get(id) || "another participant";
  }
}
