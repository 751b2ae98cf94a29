// The court protocol's state of signing and its authors, shared by the review page and the
// archive's player. Entry kinds are lib/terms.js's, record times lib/record-time.js's.

// Where the protocol stands, from its signatures: {key, label, note}. Nothing is rewritten
// from the first signature on (server/protocol_signing.py); both make it final.
/** @param {Array<{role: string}> | null | undefined} signatures */
export function signingState(signatures) {
  const roles = new Set((signatures || []).map((s) => s.role));
  if (roles.has("judge") && roles.has("clerk")) {
    return {
      key: "locked",
      label: "Locked: signed by the judge and the clerk",
      note: "The protocol is final. A mistake is put right by a correction appended below, with its reason; nothing is rewritten.",
    };
  }
  if (roles.has("judge")) {
    return {
      key: "judge",
      label: "Signed by the judge",
      note: "No entry can change any more. The court clerk's signature makes the protocol final.",
    };
  }
  if (roles.has("clerk")) {
    return {
      key: "clerk",
      label: "Signed by the clerk",
      note: "No entry can change any more. The presiding judge's signature makes the protocol final.",
    };
  }
  return {
    key: "draft",
    label: "Draft: not signed",
    note: "The judge and the clerk sign the protocol once the hearing has closed.",
  };
}

// "staff:alice" -> "alice"; "participant:prt_1 (clerk)" -> its person, if known.
/**
 * @param {string | null | undefined} author
 * @param {Record<string, {name: string, role: string, role_label?: string}>} [people]
 */
export function authorName(author, people = {}) {
  const label = String(author || "");
  if (label === "system") {
    return "The court system";
  }
  if (label.startsWith("participant:")) {
    const id = label.slice("participant:".length).split(" ", 1)[0];
    const person = people[id];
    return person ? `${person.name} (${person.role_label || person.role})` : label;
  }
  const [kind, ...rest] = label.split(":");
  return kind === "staff" || kind === "token" ? rest.join(":") : label;
}
