// The join link: /join#token=...[&rawaudio=1].
//
// The token travels in the URL fragment, which browsers never send to the server, so it does
// not end up in access logs. It is removed from the address bar at once so that it cannot be
// read over a shoulder, and kept in this tab's sessionStorage so that a reload joins again.

const TOKEN_KEY = "courtroom.join";

// `rawAudio` (rawaudio=1) switches the browser's voice processing off; tests need the
// microphone's signal unchanged.
export function readLink() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  let link = null;
  if (fragment.get("token")) {
    link = { token: fragment.get("token"), rawAudio: fragment.get("rawaudio") === "1" };
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
