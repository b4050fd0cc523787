/*
 * SCORM 1.2 runtime client for every page of this package. It finds the LMS's API object,
 * opens the session, marks a first visit "incomplete", marks the page "completed" when the
 * learner reaches its end (the marker after the button scrolls into view, or the "Mark as
 * complete" button is pressed), and closes the session exactly once. Opened outside an LMS it
 * finds no API and says so on the page: every LMS call is guarded, so nothing here throws.
 * Plain ES5, no external resources and no eval, so it runs in any LMS player and under a
 * strict Content-Security-Policy.
 */
(function () {
  "use strict";

  // How far up the frames to look: ADL's reference finder gives up after 7 parents.
  var MAX_PARENT_HOPS = 7;
  var NOT_CONNECTED = "Not connected to a learning platform: your progress is not recorded.";
  var NOT_STARTED = "The learning platform did not start a session: your progress may not be recorded.";
  var COMPLETED = "Completed: reported to the learning platform.";
  var COMPLETED_LOCALLY = "Marked as complete on this page only: your progress is not recorded.";

  var api = null;
  var initialized = false;
  var completed = false;
  var finished = false;

  // Reading another window's properties throws when it is cross-origin: that reads as nothing.
  function readApi(win) {
    try {
      var candidate = win.API;
      return candidate && typeof candidate.LMSInitialize === "function" ? candidate : null;
    } catch (error) {
      return null;
    }
  }

  function readParent(win) {
    try {
      return win.parent;
    } catch (error) {
      return null;
    }
  }

  function readOpener() {
    try {
      return window.opener;
    } catch (error) {
      return null;
    }
  }

  // The API on `start` or one of its first MAX_PARENT_HOPS parents.
  function apiAbove(start) {
    var win = start;
    for (var hops = 0; win && hops <= MAX_PARENT_HOPS; hops += 1) {
      var found = readApi(win);
      if (found) {
        return found;
      }
      var parent = readParent(win);
      if (!parent || parent === win) {
        return null;
      }
      win = parent;
    }
    return null;
  }

  // SCORM 1.2 RTE: the API is in a parent frame, or in the window that opened this one.
  function findApi() {
    return apiAbove(window) || apiAbove(readOpener());
  }

  // Every LMS call goes through here. A missing method or one that throws answers "", and an
  // LMS answering true rather than "true" reads the same.
  function lms(method, args) {
    if (!api || typeof api[method] !== "function") {
      return "";
    }
    try {
      var result = api[method].apply(api, args);
      return result === undefined || result === null ? "" : String(result);
    } catch (error) {
      return "";
    }
  }

  function showStatus(message) {
    var status = document.getElementById("scorm-status");
    if (status) {
      status.textContent = message;
    }
  }

  function showCompleted() {
    var button = document.getElementById("scorm-complete");
    if (button) {
      button.disabled = true;
      button.textContent = "Completed";
    }
    showStatus(initialized ? COMPLETED : COMPLETED_LOCALLY);
  }

  function start() {
    api = findApi();
    if (!api) {
      showStatus(NOT_CONNECTED);
      return;
    }
    initialized = lms("LMSInitialize", [""]) === "true";
    if (!initialized) {
      showStatus(NOT_STARTED);
      return;
    }
    var status = lms("LMSGetValue", ["cmi.core.lesson_status"]);
    if (status === "not attempted") {
      lms("LMSSetValue", ["cmi.core.lesson_status", "incomplete"]);
      lms("LMSCommit", [""]);
    } else if (status === "completed" || status === "passed") {
      // Done on an earlier visit: never report a lesser status over it.
      completed = true;
      showCompleted();
    }
  }

  function complete() {
    if (completed) {
      return;
    }
    completed = true;
    if (initialized && !finished) {
      lms("LMSSetValue", ["cmi.core.lesson_status", "completed"]);
      lms("LMSCommit", [""]);
    }
    showCompleted();
    finish();
  }

  // LMSFinish ends the session: called once, whichever of completion, pagehide or
  // beforeunload comes first.
  function finish() {
    if (!initialized || finished) {
      return;
    }
    finished = true;
    lms("LMSFinish", [""]);
  }

  // Completes the page once the end marker is on screen. Without IntersectionObserver the
  // button is the way to complete.
  function watchEnd() {
    var marker = document.getElementById("scorm-end");
    if (!marker || typeof IntersectionObserver !== "function") {
      return;
    }
    try {
      var observer = new IntersectionObserver(function (entries) {
        for (var i = 0; i < entries.length; i += 1) {
          if (entries[i].isIntersecting) {
            observer.disconnect();
            complete();
            return;
          }
        }
      });
      observer.observe(marker);
    } catch (error) {
      // An observer that cannot watch leaves the button, which always works.
    }
  }

  function init() {
    start();
    var button = document.getElementById("scorm-complete");
    if (button) {
      button.addEventListener("click", complete);
    }
    watchEnd();
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
