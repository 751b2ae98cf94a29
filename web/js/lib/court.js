// The court itself, as every page needs it first: its name, its time zone (every time on the
// page is shown in it, lib/wall-time.js) and the languages a hearing can be held in.

import { request } from "./http.js";
import { setCourtZone } from "./wall-time.js";

/**
 * @typedef {object} Court
 * @property {string} name COURTROOM_COURT_NAME; "" when the installation names no court
 * @property {string} time_zone an IANA zone, e.g. "Asia/Baku"
 * @property {{code: string, name: string}[]} languages
 */

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
    loading = request("GET", "/api/v1/court").then((/** @type {Court} */ court) => {
      setCourtZone(court.time_zone);
      return court;
    });
    loading.catch(() => {
      loading = null; // try again on the next call
    });
  }
  return loading;
}
