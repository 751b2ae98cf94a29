// What ends the court panel's question before a move (web/js/court-panel-question.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { StateQuestion } from "../js/court-panel-question.js";

test("a late word of the state the question was asked in leaves the question open", () => {
  // The judge resumes (no question), the notification says in_session, the judge asks to
  // close; then the resume's acknowledgement arrives with the same in_session.
  const question = new StateQuestion();
  const resumeSentWith = question.open;
  question.ask("closed", "in_session", "close form");
  assert.equal(question.endedBy("in_session"), false);
  assert.equal(question.answeredBy(resumeSentWith), false);
  assert.equal(question.open?.element, "close form");
});

test("a change of the hearing's state since the question was asked ends it", () => {
  const question = new StateQuestion();
  question.ask("closed", "in_session", "close form");
  assert.equal(question.endedBy("paused"), true);
});

test("the acknowledgement of the move the question asked for ends it", () => {
  const question = new StateQuestion();
  const asked = question.ask("closed", "in_session", "close form");
  assert.equal(question.answeredBy(asked), true);
});

test("an answer to a question since dismissed ends none asked after it", () => {
  const question = new StateQuestion();
  const first = question.ask("suspended", "in_session", "suspend form");
  assert.equal(question.dismiss(), first);
  question.ask("closed", "in_session", "close form");
  assert.equal(question.answeredBy(first), false);
});

test("nothing is ended while nothing is asked", () => {
  const question = new StateQuestion();
  assert.equal(question.endedBy("closed"), false);
  assert.equal(question.answeredBy(null), false);
  assert.equal(question.dismiss(), null);
});
