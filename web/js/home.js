// The public home page: the court's own name (COURTROOM_COURT_NAME) in its header, when the
// installation has one; the rest of the page is the same for every court.

import { loadCourt } from "./lib/court.js";
import { $ } from "./lib/dom.js";

loadCourt()
  .then((court) => {
    if (court.name) {
      $("court-name").textContent = court.name;
      document.title = `${court.name} — hearings by video`;
    }
  })
  .catch(() => {
    // The page says what to do without the name.
  });
