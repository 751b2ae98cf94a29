// The exhibit register (SIGNALING.md `register_exhibit`, `update_exhibit`, `show_exhibit`,
// `exhibit_changed`, `confirm_exhibit_offer`, `dismiss_exhibit_offer`,
// `exhibit_offer_changed`, the join acknowledgement's `exhibits` and `exhibit_offers`): under
// the protocol editor, for the judge and the clerk. Every change the bench makes here is
// written into the protocol by the server; a screen shared in the hearing room shows the
// exhibit marked "Show next", and its times on screen are listed. A screen shared with none
// marked is only offered: listed above the register until the bench registers it as an
// exhibit or dismisses it (nothing is written before).
//
// Server data goes into the page with textContent only.

import { ClientEvent, ServerEvent } from "./events.js";
import { OFF_THE_RECORD, recordTime } from "./lib/record-time.js";
import { el, sentence } from "./lib/dom.js";

const STATUSES = Object.freeze([
  ["offered", "Offered"],
  ["admitted", "Admitted"],
  ["excluded", "Excluded"],
]);
const MAX_DESCRIPTION = 500; // court/exhibits.py MAX_DESCRIPTION

class ExhibitRegister {
  /**
   * @param {import("./signaling.js").Signaling} signaling
   * @param {any} editor the protocol editor
   */
  constructor(signaling, editor) {
    this._signaling = signaling;
    this._editor = editor; // names of participants, shared with the protocol editor
    this._exhibits = new Map(); // id -> exhibit view
    this._offers = new Map(); // id -> pending offer view
    this._build();
    signaling.on(ServerEvent.EXHIBIT_CHANGED, (/** @type {any} */ { exhibit } = {}) => this.receive(exhibit));
    signaling.on(ServerEvent.EXHIBIT_OFFER_CHANGED, (/** @type {any} */ { offer } = {}) =>
      this.receiveOffer(offer),
    );
    signaling.on(ServerEvent.ROSTER_CHANGED, () => this._renderOffered());
  }

  _build() {
    this._list = el("ol", {
      className: "exhibits__list",
      attrs: { id: "exhibit-list", "aria-label": "Exhibits" },
    });
    this._empty = el("p", {
      className: "exhibits__empty",
      text: "No exhibits yet. A screen shared in the hearing room is offered here first.",
    });
    this._offerList = el("ol", {
      className: "exhibits__list exhibits__offers",
      attrs: { id: "exhibit-offers", "aria-label": "Screens offered as exhibits" },
    });
    this._description = el("input", {
      className: "input",
      attrs: {
        id: "exhibit-description",
        type: "text",
        maxlength: String(MAX_DESCRIPTION),
        autocomplete: "off",
      },
    });
    this._offeredBy = el("select", { className: "input", attrs: { id: "exhibit-offered-by" } });
    this._register = el("button", {
      className: "button button--small button--primary",
      text: "Register exhibit",
      attrs: { type: "submit" },
    });
    this._status = el("p", {
      className: "exhibits__status",
      attrs: { id: "exhibit-status", role: "status", "aria-live": "polite" },
    });
    const field = (id, label, control) =>
      el("div", { className: "protocol__field" }, [
        el("label", { className: "protocol__label", text: label, attrs: { for: id } }),
        control,
      ]);
    const form = el(
      "form",
      { className: "exhibits__form", attrs: { "aria-label": "Register an exhibit" } },
      [
        field("exhibit-description", "Description", this._description),
        field("exhibit-offered-by", "Offered by", this._offeredBy),
        this._register,
      ],
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._registerExhibit();
    });
    this.element = el(
      "section",
      { className: "exhibits", attrs: { id: "exhibits", "aria-labelledby": "exhibits-title" } },
      [
        el("h2", {
          className: "protocol__title",
          text: "Exhibits",
          attrs: { id: "exhibits-title" },
        }),
        this._offerList,
        this._empty,
        this._list,
        form,
        this._status,
      ],
    );
    const protocol = document.getElementById("protocol");
    (protocol || document.getElementById("main") || document.body).append(this.element);
    this._renderOffered();
    this._render();
  }

  restore(exhibits, offers) {
    for (const exhibit of exhibits || []) {
      this.receive(exhibit);
    }
    // The acknowledgement lists every offer still pending: any other was resolved meanwhile.
    this._offers.clear();
    for (const offer of offers || []) {
      this.receiveOffer(offer);
    }
    this._renderOffers();
    this._renderOffered();
  }

  receiveOffer(offer) {
    if (!offer || !offer.id) {
      return;
    }
    if (offer.state === "pending") {
      this._offers.set(offer.id, offer);
    } else {
      this._offers.delete(offer.id);
    }
    this._renderOffers();
  }

  receive(exhibit) {
    if (!exhibit || !exhibit.id) {
      return;
    }
    const known = this._exhibits.get(exhibit.id);
    if (known && Number(known.updated_at) > Number(exhibit.updated_at)) {
      return; // an older change arriving late
    }
    this._exhibits.set(exhibit.id, exhibit);
    this._render();
  }


  _renderOffered() {
    const wanted = this._offeredBy.value;
    const options = [el("option", { text: "The court", attrs: { value: "" } })];
    for (const person of this._editor.people()) {
      const label = [person.name, person.role_label].filter(Boolean).join(", ");
      options.push(el("option", { text: label, attrs: { value: person.id } }));
    }
    this._offeredBy.replaceChildren(...options);
    const known = [...this._offeredBy.options].some((o) => o.value === wanted);
    this._offeredBy.value = known ? wanted : "";
  }

  _render() {
    const exhibits = [...this._exhibits.values()].sort((a, b) => a.number - b.number);
    this._empty.hidden = exhibits.length > 0;
    // A change from elsewhere redraws the list: a reason being typed stays, and its focus.
    const typed = new Map();
    let focused = null;
    const inputs = /** @type {NodeListOf<HTMLInputElement>} */ (
      this._list.querySelectorAll(".exhibit__reason")
    );
    for (const input of inputs) {
      const id = /** @type {HTMLElement} */ (input.closest(".exhibit")).dataset.exhibitId;
      typed.set(id, input.value);
      if (input === document.activeElement) {
        focused = id;
      }
    }
    this._list.replaceChildren(...exhibits.map((exhibit) => this._row(exhibit)));
    for (const row of /** @type {HTMLCollectionOf<HTMLElement>} */ (this._list.children)) {
      const input = /** @type {HTMLInputElement} */ (row.querySelector(".exhibit__reason"));
      input.value = typed.get(row.dataset.exhibitId) || "";
      if (row.dataset.exhibitId === focused) {
        input.focus();
      }
    }
  }

  _renderOffers() {
    // Redrawn on every change of an offer: a description being typed stays, and its focus.
    const typed = new Map();
    let focused = null;
    const inputs = /** @type {NodeListOf<HTMLInputElement>} */ (
      this._offerList.querySelectorAll(".exhibit__reason")
    );
    for (const input of inputs) {
      const id = /** @type {HTMLElement} */ (input.closest(".exhibit")).dataset.offerId;
      typed.set(id, input.value);
      if (input === document.activeElement) {
        focused = id;
      }
    }
    const offers = [...this._offers.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    this._offerList.replaceChildren(...offers.map((offer) => this._offerRow(offer)));
    for (const row of /** @type {HTMLCollectionOf<HTMLElement>} */ (this._offerList.children)) {
      const input = /** @type {HTMLInputElement} */ (row.querySelector(".exhibit__reason"));
      input.value = typed.get(row.dataset.offerId) || "";
      if (row.dataset.offerId === focused) {
        input.focus();
      }
    }
  }

  _offerRow(offer) {
    const name = this._editor.nameOf(offer.shared_by);
    const description = el("input", {
      className: "input exhibit__reason",
      attrs: {
        type: "text",
        maxlength: String(MAX_DESCRIPTION),
        placeholder: "Description (optional)", // else "Shown on screen by <name>"
        "aria-label": `Description of the screen shared by ${name}`,
      },
    });
    const confirm = el("button", {
      className: "button button--small button--primary",
      text: "Register as exhibit",
      attrs: { type: "button", "aria-label": `Register as exhibit: the screen shared by ${name}` },
    });
    confirm.addEventListener("click", async () => {
      const payload = { offer_id: offer.id };
      if (description.value.trim()) {
        payload.description = description.value.trim();
      }
      const exhibit = await this._send(ClientEvent.CONFIRM_EXHIBIT_OFFER, payload, null);
      if (exhibit) {
        this.receiveOffer({ ...offer, state: "registered", exhibit_id: exhibit.id });
        this._say(`Exhibit ${exhibit.number} registered.`, "saved");
      }
    });
    const dismiss = el("button", {
      className: "button button--small",
      text: "Dismiss",
      attrs: { type: "button", "aria-label": `Dismiss: the screen shared by ${name} is no exhibit` },
    });
    dismiss.addEventListener("click", async () => {
      this._say("Saving…", "saving");
      try {
        await this._signaling.command(ClientEvent.DISMISS_EXHIBIT_OFFER, { offer_id: offer.id });
        this.receiveOffer({ ...offer, state: "dismissed" });
        this._say(`The screen shared by ${name} is dismissed.`, "saved");
      } catch (err) {
        const why = sentence(err && err.message) || "the server did not say why.";
        this._say(`Not dismissed: ${why}`, "error");
      }
    });
    const s = offer.showing;
    const when = s.ended
      ? `shared ${recordTime(s.start_ms, OFF_THE_RECORD)}–${s.end_ms === null ? "?" : recordTime(s.end_ms, OFF_THE_RECORD)}`
      : `shared since ${recordTime(s.start_ms, OFF_THE_RECORD)}`;
    return el("li", { className: "exhibit exhibit--offer", attrs: { "data-offer-id": offer.id } }, [
      el("div", { className: "exhibit__head" }, [
        el("span", { className: "exhibit__number", text: `Screen shared by ${name}` }),
        s.ended ? null : el("span", { className: "exhibit__live", text: "On screen" }),
        el("span", { className: "exhibit__badge", text: "Pending" }),
      ]),
      el("p", { className: "exhibit__meta", text: `${when} · an exhibit only if the bench registers it` }),
      el("div", { className: "exhibit__actions" }, [description, confirm, dismiss]),
    ]);
  }

  _row(exhibit) {
    const status = el("select", {
      className: "input exhibit__status",
      attrs: { "aria-label": `Status of exhibit ${exhibit.number}` },
    });
    for (const [value, label] of STATUSES) {
      status.append(el("option", { text: label, attrs: { value } }));
    }
    status.value = exhibit.status;
    const reason = el("input", {
      className: "input exhibit__reason",
      attrs: {
        type: "text",
        maxlength: "500",
        placeholder: "Reason for the ruling (optional)",
        "aria-label": `Reason for the ruling on exhibit ${exhibit.number}`,
      },
    });
    status.addEventListener("change", async () => {
      const ruled = await this._send(
        ClientEvent.UPDATE_EXHIBIT,
        { exhibit_id: exhibit.id, status: status.value, reason: reason.value.trim() },
        `Exhibit ${exhibit.number}: ruling recorded.`,
      );
      if (ruled) {
        // The reason went into the protocol with the ruling; the field is free again.
        const row = this._list.querySelector(`[data-exhibit-id="${CSS.escape(exhibit.id)}"]`);
        const field = row && /** @type {HTMLInputElement | null} */ (row.querySelector(".exhibit__reason"));
        if (field) {
          field.value = "";
        }
      }
    });
    const show = el("button", {
      className: "button button--small",
      text: exhibit.on_screen ? "On screen now" : "Show next",
      attrs: {
        type: "button",
        disabled: exhibit.on_screen,
        "aria-label": `Exhibit ${exhibit.number} is what is shown on screen`,
      },
    });
    show.addEventListener("click", () =>
      this._send(
        ClientEvent.SHOW_EXHIBIT,
        { exhibit_id: exhibit.id },
        `Exhibit ${exhibit.number} is what the screen shows (now, or at the next share).`,
      ),
    );
    const rename = el("button", {
      className: "button button--small",
      text: "Describe",
      attrs: { type: "button", "aria-label": `Describe exhibit ${exhibit.number} again` },
    });
    const description = el("span", {
      className: "exhibit__description",
      text: exhibit.description,
    });
    rename.addEventListener("click", () => this._describe(exhibit, description));
    const offered = exhibit.offered_by ? this._editor.nameOf(exhibit.offered_by) : "The court";
    const shown = (exhibit.showings || []).map((s) =>
      s.ended
        ? `${recordTime(s.start_ms, OFF_THE_RECORD)}–${s.end_ms === null ? "?" : recordTime(s.end_ms, OFF_THE_RECORD)}`
        : `since ${recordTime(s.start_ms, OFF_THE_RECORD)}`,
    );
    const statusLabel = (STATUSES.find(([value]) => value === exhibit.status) || [])[1];
    const meta = `Offered by ${offered}` + (shown.length ? ` · shown ${shown.join(", ")}` : "");
    return el("li", { className: "exhibit", attrs: { "data-exhibit-id": exhibit.id } }, [
      el("div", { className: "exhibit__head" }, [
        el("span", { className: "exhibit__number", text: `Exhibit ${exhibit.number}` }),
        exhibit.on_screen ? el("span", { className: "exhibit__live", text: "On screen" }) : null,
        el("span", {
          className: `exhibit__badge exhibit__badge--${exhibit.status}`,
          text: statusLabel || exhibit.status,
        }),
      ]),
      description,
      el("p", { className: "exhibit__meta", text: meta }),
      el("div", { className: "exhibit__actions" }, [status, reason, show, rename]),
    ]);
  }

  _describe(exhibit, description) {
    const input = el("input", {
      className: "input",
      attrs: {
        type: "text",
        maxlength: String(MAX_DESCRIPTION),
        "aria-label": `New description of exhibit ${exhibit.number}`,
      },
    });
    input.value = exhibit.description;
    description.replaceChildren(input);
    input.focus();
    input.select();
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const text = input.value.trim();
        if (text && text !== exhibit.description) {
          this._send(
            ClientEvent.UPDATE_EXHIBIT,
            { exhibit_id: exhibit.id, description: text },
            `Exhibit ${exhibit.number} described again.`,
          );
        } else {
          this._render();
        }
      } else if (event.key === "Escape") {
        this._render();
      }
    });
  }

  async _registerExhibit() {
    const description = this._description.value.trim();
    if (!description) {
      this._say("Describe the exhibit first.", "error");
      this._description.focus();
      return;
    }
    const payload = { description };
    if (this._offeredBy.value) {
      payload.offered_by = this._offeredBy.value;
    }
    const exhibit = await this._send(ClientEvent.REGISTER_EXHIBIT, payload, null);
    if (exhibit) {
      this._description.value = "";
      this._say(`Exhibit ${exhibit.number} registered.`, "saved");
    }
  }

  async _send(event, payload, done) {
    this._say("Saving…", "saving");
    try {
      const data = await this._signaling.command(event, payload);
      this.receive(data && data.exhibit);
      if (done) {
        this._say(done, "saved");
      }
      return data && data.exhibit;
    } catch (err) {
      const why = sentence(err && err.message) || "the server did not say why.";
      this._say(`Not saved: ${why}`, "error");
      this._render(); // the register as it is, not as it was being changed
      return null;
    }
  }

  _say(text, tone) {
    this._status.textContent = text;
    this._status.dataset.tone = tone;
  }
}

let register = null;

// After every successful join (session.js), for a writer of the protocol, once the
// protocol editor is there: build the register once and fill it from the acknowledgement.
/**
 * @param {import("./signaling.js").Signaling} signaling
 * @param {any} editor the protocol editor, or null for someone who does not write it
 * @param {object[] | undefined} exhibits
 * @param {object[] | undefined} offers screens offered, still pending
 */
export function exhibitsJoined(signaling, editor, exhibits, offers) {
  if (!editor) {
    return null;
  }
  if (!register) {
    register = new ExhibitRegister(signaling, editor);
  }
  register.restore(exhibits || [], offers || []);
  return register;
}
