// Test harness for scorm.js, run by the Rust tests when `node` is on the machine:
// `node runtime_check.js path/to/scorm.js`. It runs the script against fake windows, a fake
// document and a fake LMS API, and exits non-zero with the failed assertion otherwise.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const vm = require("node:vm");

const source = fs.readFileSync(process.argv[2], "utf8");

function target() {
  const listeners = {};
  return {
    listeners,
    addEventListener(type, listener) {
      (listeners[type] = listeners[type] || []).push(listener);
    },
    fire(type) {
      (listeners[type] || []).forEach((listener) => listener({ type }));
    },
  };
}

function element() {
  return Object.assign(target(), { textContent: "", disabled: false });
}

// An LMS API that records every call; `status` is what cmi.core.lesson_status reads as.
function fakeApi(log, status, { throws = false, booleans = false } = {}) {
  const answer = (name, value) => (...args) => {
    log.push([name, ...args]);
    if (throws) throw new Error("LMS down");
    return value;
  };
  const ok = booleans ? true : "true";
  return {
    LMSInitialize: answer("LMSInitialize", ok),
    LMSGetValue: answer("LMSGetValue", status),
    LMSSetValue: answer("LMSSetValue", ok),
    LMSCommit: answer("LMSCommit", ok),
    LMSFinish: answer("LMSFinish", ok),
    LMSGetLastError: answer("LMSGetLastError", "0"),
  };
}

// A window whose parent is `parent` (itself at the top), carrying `api` when given.
function frame(parent, api) {
  const win = target();
  win.parent = parent || win;
  if (api) win.API = api;
  return win;
}

// Runs scorm.js in `win`; returns the page's controls.
function load(win, { observer = true, readyState = "complete" } = {}) {
  const elements = { "scorm-status": element(), "scorm-complete": element(), "scorm-end": element() };
  const document = Object.assign(target(), { readyState, getElementById: (id) => elements[id] || null });
  const observers = [];
  const context = { window: win, document };
  if (observer) {
    context.IntersectionObserver = function (callback) {
      const watched = { callback, targets: [], disconnected: false };
      observers.push(watched);
      this.observe = (el) => watched.targets.push(el);
      this.disconnect = () => {
        watched.disconnected = true;
      };
    };
  }
  vm.runInNewContext(source, context);
  return {
    elements,
    document,
    scrollToEnd(visible = true) {
      observers.filter((o) => !o.disconnected).forEach((o) => o.callback(o.targets.map((t) => ({ target: t, isIntersecting: visible }))));
    },
    observers,
  };
}

const names = (log) => log.map((call) => call[0]);

// An LMS two frames up, first visit: incomplete at start, completed at the end, one finish.
{
  const log = [];
  const top = frame(null, fakeApi(log, "not attempted"));
  const win = frame(frame(top));
  const page = load(win);
  assert.deepEqual(log, [["LMSInitialize", ""], ["LMSGetValue", "cmi.core.lesson_status"], ["LMSSetValue", "cmi.core.lesson_status", "incomplete"], ["LMSCommit", ""]]);
  page.scrollToEnd(false);
  assert.equal(log.length, 4, "an end not yet in view completes nothing");
  page.scrollToEnd();
  assert.deepEqual(log.slice(4), [["LMSSetValue", "cmi.core.lesson_status", "completed"], ["LMSCommit", ""], ["LMSFinish", ""]]);
  assert.equal(page.observers[0].disconnected, true);
  page.elements["scorm-complete"].fire("click");
  win.fire("pagehide");
  win.fire("beforeunload");
  assert.equal(names(log).filter((n) => n === "LMSFinish").length, 1, "LMSFinish exactly once");
  assert.equal(log.length, 7);
  assert.equal(page.elements["scorm-complete"].disabled, true);
}

// Leaving before the end: no completion, one finish across pagehide and beforeunload.
{
  const log = [];
  const win = frame(frame(null, fakeApi(log, "incomplete")));
  const page = load(win);
  assert.deepEqual(names(log), ["LMSInitialize", "LMSGetValue"], "incomplete stays as it is");
  win.fire("pagehide");
  win.fire("beforeunload");
  assert.deepEqual(names(log), ["LMSInitialize", "LMSGetValue", "LMSFinish"]);
  page.elements["scorm-complete"].fire("click");
  assert.ok(!names(log).includes("LMSSetValue"), "nothing is sent after the session ended");
}

// Without IntersectionObserver, the button completes the page; booleans read as strings.
{
  const log = [];
  const win = frame(frame(null, fakeApi(log, "not attempted", { booleans: true })));
  const page = load(win, { observer: false });
  page.elements["scorm-complete"].fire("click");
  assert.deepEqual(names(log), ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSSetValue", "LMSCommit", "LMSFinish"]);
  assert.deepEqual(log[4], ["LMSSetValue", "cmi.core.lesson_status", "completed"]);
}

// Already completed on an earlier visit: never set back, finish on leaving.
{
  const log = [];
  const win = frame(frame(null, fakeApi(log, "passed")));
  const page = load(win);
  page.scrollToEnd();
  win.fire("pagehide");
  assert.deepEqual(names(log), ["LMSInitialize", "LMSGetValue", "LMSFinish"]);
  assert.equal(page.elements["scorm-complete"].disabled, true);
}

// Found through the opener when no parent has it; waits for DOMContentLoaded while loading.
{
  const log = [];
  const win = frame(null);
  win.opener = frame(frame(null, fakeApi(log, "not attempted")));
  const page = load(win, { readyState: "loading" });
  assert.equal(log.length, 0, "nothing before the document is ready");
  page.document.fire("DOMContentLoaded");
  assert.equal(log[0][0], "LMSInitialize");
  win.fire("beforeunload");
  assert.equal(names(log).at(-1), "LMSFinish", "beforeunload alone finishes too");
}

// More than 7 parents up is out of reach.
{
  const log = [];
  let win = frame(null, fakeApi(log, "not attempted"));
  for (let i = 0; i < 8; i += 1) win = frame(win);
  load(win);
  assert.equal(log.length, 0);
  let near = frame(null, fakeApi(log, "not attempted"));
  for (let i = 0; i < 7; i += 1) near = frame(near);
  load(near);
  assert.equal(log[0][0], "LMSInitialize", "7 parents up is found");
}

// Outside an LMS, behind cross-origin frames, or with an LMS that throws: nothing throws.
{
  const alone = frame(null);
  const page = load(alone);
  assert.match(page.elements["scorm-status"].textContent, /Not connected/);
  page.scrollToEnd();
  page.elements["scorm-complete"].fire("click");
  alone.fire("pagehide");
  assert.match(page.elements["scorm-status"].textContent, /this page only/);

  const crossOrigin = {
    get API() {
      throw new Error("SecurityError");
    },
    get parent() {
      throw new Error("SecurityError");
    },
  };
  const inner = frame(crossOrigin);
  Object.defineProperty(inner, "opener", {
    get() {
      throw new Error("SecurityError");
    },
  });
  load(inner).scrollToEnd();
  inner.fire("pagehide");

  const log = [];
  const failing = frame(frame(null, fakeApi(log, "not attempted", { throws: true })));
  const broken = load(failing);
  assert.match(broken.elements["scorm-status"].textContent, /did not start/);
  broken.scrollToEnd();
  failing.fire("beforeunload");
  assert.deepEqual(names(log), ["LMSInitialize"], "a session that did not start is not used");
}

console.log("scorm.js runtime checks passed");
