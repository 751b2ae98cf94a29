// The court itself, as every page needs it first: its name, its time zone (every time on the
// page is shown in it, lib/wall-time.js) and the languages a hearing can be held in.

import { call } from "./http.js";
import { setCourtZone } from "./wall-time.js";

/** @typedef {import("./rest-types.js").Court} Court */

/** @type {Promise<Court> | null} */
let loading = null;

/**
 * GET /api/v1/court once per page; sets the zone every formatter of lib/wall-time.js uses.
 * A page that cannot reach the server keeps the default zone (the first court's) rather
 * than the browser's, which would be wrong for most readers.
 * @returns {Promise<Court>}
 */
export function loadCourt() {
  if (!loading) {
    loading = call("GET /api/v1/court").then((court) => {
      setCourtZone(court.time_zone);
      return court;
    });
    loading.catch(() => {
      loading = null; // try again on the next call
    });
  }
  return loading;
}
