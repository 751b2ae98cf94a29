// What the court may do to one participant in the roster, as buttons, and the small forms
// that some of those actions need first (a reason, a confirmation, a choice of members).

import { ClientEvent } from "./events.js";
import { button } from "./court-panel-dom.js";
import { BENCH } from "./lib/terms.js";

export function isBench(entry) {
  return BENCH.includes(entry.role);
}

export function isPresent(entry) {
  return entry.connection !== "disconnected";
}

export function roomKind(entry) {
  return entry.room ? entry.room.kind : null;
}

// The buttons for `entry`, in the order a clerk reaches for them. Each is
// {action, text, label, variant, run}; `label` names the person for screen readers.
export function actionsFor(entry, ctx, forms) {
  const name = entry.name;
  const id = entry.id;
  const act = (action, text, label, run, variant = "") => ({ action, text, label, run, variant });
  const command = (event, payload, failed, done) => () => ctx.run(event, payload, failed, done);
  const actions = [];

  if (entry.removed) {
    actions.push(
      act(
        "readmit",
        "Re-admit",
        `Re-admit ${name}`,
        command(
          ClientEvent.READMIT,
          { participant_id: id },
          `${name} could not be re-admitted`,
          () => ctx.announce(`${name} may join again and will wait in the waiting room.`),
        ),
      ),
    );
    return actions;
  }

  const kind = roomKind(entry);
  const bench = isBench(entry);
  const witness = entry.role === "witness";
  // The court does nothing to itself but put itself in the spotlight (the server refuses).
  const self = id === ctx.self.id;

  if (kind === "waiting" && isPresent(entry)) {
    if (witness) {
      actions.push(
        act(
          "call",
          "Call witness",
          `Call witness ${name}`,
          command(
            ClientEvent.CALL_WITNESS,
            { participant_id: id },
            `${name} could not be called`,
            () => ctx.announce(`${name} called into the hearing room.`),
          ),
          "button--primary",
        ),
      );
    } else {
      actions.push(
        act(
          "admit",
          "Admit",
          `Admit ${name}`,
          command(ClientEvent.ADMIT, { participant_id: id }, `${name} could not be admitted`, () =>
            ctx.announce(`${name} admitted to the hearing room.`),
          ),
          "button--primary",
        ),
      );
    }
  }

  if (kind === "hearing" && !bench) {
    if (witness) {
      actions.push(
        act(
          "dismiss",
          "Dismiss witness",
          `Dismiss witness ${name} to the waiting room`,
          command(
            ClientEvent.DISMISS_WITNESS,
            { participant_id: id, release: false },
            `${name} could not be dismissed`,
            () => ctx.announce(`${name} is back in the waiting room.`),
          ),
        ),
        act("release", "Release witness", `Release witness ${name}`, () =>
          forms.open(entry, "release"),
        ),
      );
    } else {
      actions.push(
        act(
          "send-back",
          "Send to waiting room",
          `Send ${name} to the waiting room`,
          command(
            ClientEvent.SEND_TO_WAITING_ROOM,
            { participant_id: id },
            `${name} could not be sent to the waiting room`,
            () => ctx.announce(`${name} sent to the waiting room.`),
          ),
        ),
      );
    }
    if (entry.muted) {
      actions.push(
        act(
          "ask-unmute",
          "Ask to unmute",
          `Ask ${name} to unmute`,
          command(
            ClientEvent.REQUEST_UNMUTE,
            { participant_id: id },
            `${name} could not be asked to unmute`,
            () => ctx.announce(`${name} was asked to unmute.`),
          ),
        ),
      );
    } else {
      actions.push(act("mute", "Mute", `Mute ${name}`, () => forms.open(entry, "mute")));
    }
  }

  if (entry.hand_raised && !self) {
    actions.push(lowerHand(entry, ctx));
  }

  if (entry.sharing_screen && kind === "hearing") {
    // One screen at a time: the court ends one (its own too) to let another be shown.
    actions.push(
      act(
        "stop-screen",
        "Stop screen share",
        self ? "Stop sharing your screen" : `Stop the screen ${name} shares`,
        command(
          ClientEvent.STOP_SCREEN_SHARE,
          { participant_id: id },
          `The screen of ${name} could not be stopped`,
          () => ctx.announce(`The screen of ${name} is no longer shown.`),
        ),
      ),
    );
  }

  if (kind === "hearing") {
    const lit = ctx.data.spotlight === id;
    actions.push(
      act(
        "spotlight",
        lit ? "Remove spotlight" : "Spotlight",
        lit ? `Remove the spotlight from ${name}` : `Spotlight ${name}`,
        command(
          ClientEvent.SPOTLIGHT,
          { participant_id: lit ? null : id },
          lit ? "The spotlight could not be removed" : `${name} could not be spotlit`,
          () => {
            ctx.setSpotlight(lit ? null : id);
            ctx.announce(lit ? "Spotlight removed." : `${name} is spotlit for everyone.`);
          },
        ),
      ),
    );
  }

  if (
    entry.role === "defendant" &&
    (kind === "hearing" || kind === "waiting") &&
    isPresent(entry) &&
    consultationPartners(entry, ctx).some((other) => other.role === "defence")
  ) {
    actions.push(
      act("consult", "Private consultation…", `Propose a private consultation for ${name}`, () =>
        forms.open(entry, "consult"),
      ),
    );
  }

  if (!bench && kind !== "consultation") {
    actions.push(
      act(
        "remove",
        "Remove…",
        `Remove ${name} from the hearing`,
        () => forms.open(entry, "remove"),
        "button--danger-quiet",
      ),
    );
  }
  return actions;
}

export function lowerHand(entry, ctx) {
  return {
    action: "lower-hand",
    text: "Lower hand",
    label: `Lower the hand of ${entry.name}`,
    variant: "",
    run: () =>
      ctx.run(
        ClientEvent.LOWER_HAND,
        { participant_id: entry.id },
        `The hand of ${entry.name} could not be lowered`,
        () => ctx.announce(`Hand of ${entry.name} lowered.`),
      ),
  };
}

export function actionButton(entry, spec, prefix = "p") {
  return button(spec.text, spec.run, {
    key: `${prefix}:${entry.id}:${spec.action}`,
    label: spec.label,
    variant: spec.variant,
  });
}

// Who may join `defendant` in a private consultation: counsel and interpreters who are here
// and not in a consultation already (court/rooms.py check_consultation).
export function consultationPartners(defendant, ctx) {
  return ctx
    .entries()
    .filter(
      (other) =>
        other.id !== defendant.id &&
        !other.removed &&
        isPresent(other) &&
        (other.role === "defence" || other.role === "interpreter") &&
        roomKind(other) !== "consultation",
    );
}
