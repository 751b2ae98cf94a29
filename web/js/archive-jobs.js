// The archive's background jobs for one hearing (master audio, viewing copy, export): their
// state in words, a progress bar for a running one, and polling while any is under way.
//
// Each job has markup of its own: #<slot>-job (role=status) holding #<slot>-job-text and the
// <progress> #<slot>-job-progress.

import { archive } from "./archive-api.js";
import { isRefusal, messageOf } from "./archive-page.js";
import { $ } from "./lib/dom.js";

export const POLL_MS = 1000;
const BUSY = ["queued", "running"];

const WORDS = {
  master_audio: {
    absent: "The master audio has not been assembled yet.",
    unclosed: "The master audio is assembled once the hearing has closed.",
    queued: "The master audio is waiting to be assembled…",
    running: "Assembling the master audio…",
    ready: "",
    failed: "The master audio could not be assembled",
  },
  viewing_copy: {
    absent: "No viewing copy has been built yet.",
    unclosed: "The viewing copy is built once the hearing has closed.",
    queued: "The viewing copy is waiting to be built…",
    running: "Building the viewing copy…",
    ready: "The viewing copy is ready.",
    failed: "The viewing copy could not be built",
  },
  export: {
    absent: "No export has been made of this record yet.",
    queued: "The export is waiting to be prepared…",
    running: "Preparing the export…",
    ready: "The export is ready to download.",
    failed: "The export could not be prepared",
  },
};

export function isBusy(job) {
  return Boolean(job) && BUSY.includes(job.status);
}

export function percent(job) {
  const progress = Number(job && job.progress);
  if (!Number.isFinite(progress)) {
    return 0;
  }
  // Never 100 % before it is done: the last step (sealing the file) still has to happen.
  return Math.max(0, Math.min(job.status === "ready" ? 100 : 99, Math.floor(progress * 100)));
}

// The job's state in words, e.g. "Building the viewing copy… 42 %". Copies of a hearing
// that has not closed yet are not built (the server refuses): `closed` says which it is.
export function jobText(kind, job, closed = true) {
  const words = WORDS[kind];
  const status = (job && job.status) || "absent";
  if (status === "absent" && !closed && words.unclosed) {
    return words.unclosed;
  }
  const base = words[status] ?? status;
  if (status === "running") {
    return `${base} ${percent(job)} %`;
  }
  if (status === "failed") {
    const error = job && job.error ? `: ${job.error}` : ".";
    return `${base}${error}`;
  }
  return base;
}

// Shows `job` in the slot's status line and progress bar.
export function showJob(slot, kind, job, closed = true) {
  const status = (job && job.status) || "absent";
  const box = $(`${slot}-job`);
  const text = jobText(kind, job, closed);
  const bar = $(`${slot}-job-progress`);
  box.dataset.status = status;
  box.hidden = !text;
  const line = $(`${slot}-job-text`);
  if (line.textContent !== text) {
    line.textContent = text;
  }
  bar.hidden = !isBusy(job);
  if (status === "running") {
    bar.value = percent(job);
    bar.setAttribute("aria-valuetext", `${percent(job)} %`);
  } else {
    // Queued: no value, so the bar shows that it waits rather than a false 0 %.
    bar.removeAttribute("value");
    bar.removeAttribute("aria-valuetext");
  }
}

// Asks for the hearing's jobs every second while one of them is queued or running.
export class JobPoller {
  // onJobs(jobs): every answer; onError(err): a failed poll (polling goes on, slower).
  constructor(hearingId, { onJobs, onError }) {
    this.hearingId = hearingId;
    this.onJobs = onJobs;
    this.onError = onError;
    this.jobs = null;
    this.timer = null;
    this.stopped = false;
    this.failures = 0;
  }

  // New jobs from any answer (the record, a started job, a poll).
  update(jobs) {
    this.jobs = { ...(this.jobs || {}), ...jobs };
    this.onJobs(this.jobs);
    if (Object.values(this.jobs).some(isBusy)) {
      this.schedule(POLL_MS);
    }
  }

  // One job changed (the 202 answer of starting it).
  updateOne(kind, job) {
    this.update({ [kind]: job });
  }

  schedule(delay) {
    if (this.timer !== null || this.stopped) {
      return;
    }
    this.timer = window.setTimeout(() => this.tick(), delay);
  }

  async tick() {
    this.timer = null;
    try {
      const jobs = await archive.jobs(this.hearingId);
      this.failures = 0;
      this.update(jobs);
    } catch (err) {
      this.failures += 1;
      this.onError(err);
      if (!isRefusal(err)) {
        this.schedule(Math.min(POLL_MS * 2 ** this.failures, 30000));
      }
    }
  }

  stop() {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = null;
  }
}

export function pollingError(err) {
  return `The progress could not be read (${messageOf(err)}); trying again.`;
}
