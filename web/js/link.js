// The join link: /join#token=...[&rawaudio=1][&check=skip].
//
// The token travels in the URL fragment, which browsers never send to the server, so it does
// not end up in access logs. It is removed from the address bar at once so that it cannot be
// read over a shoulder, and kept in this tab's sessionStorage so that a reload joins again.

const TOKEN_KEY = "courtroom.join";

// `rawAudio` (rawaudio=1) switches the browser's voice processing off; tests need the
// microphone's signal unchanged. `skipCheck` (check=skip) goes straight to the hearing
// without the camera and microphone check (diagnostics; people always see the check).
export function readLink() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  let link = null;
  if (fragment.get("token")) {
    link = {
      token: fragment.get("token"),
      rawAudio: fragment.get("rawaudio") === "1",
      skipCheck: fragment.get("check") === "skip",
    };
    try {
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify(link));
    } catch {
      // Storage may be disabled; a reload then needs the link again.
    }
    history.replaceState(null, "", window.location.pathname + window.location.search);
  } else {
    try {
      link = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
    } catch {
      link = null;
    }
  }
  return link && typeof link.token === "string" && link.token ? link : null;
}

// The role the link names, read from the token's (signed, not secret) claims, or null.
// Only a hint for the page before the server confirms it at join: the server decides.
/**
 * @param {string} token
 * @returns {string | null}
 */
export function roleInToken(token) {
  try {
    const body = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(body + "=".repeat((4 - (body.length % 4)) % 4)));
    return typeof claims.role === "string" ? claims.role : null;
  } catch {
    return null;
  }
}
