/* bookwright serve: reloads the page when the book has been rebuilt, and shows the
   book's problems over the page while the last build failed (or while the EPUB fails its
   gate). Injected by the preview server only; never part of a built site. */
(function () {
  "use strict";
  var STATUS = "/__bookwright/status";
  var script = document.currentScript;
  // The build this page was served from; a newer successful one reloads it.
  var seen = script && script.dataset.build ? +script.dataset.build : null;
  var epub = null; // the EPUB's version last heard of: its gate's verdict changes it
  var box = null;
  var BOOK = "The book has problems; the page shows the last good build until they are fixed:";
  var GATE = "The EPUB did not pass EPUBCheck and Ace; its download is the unchecked draft, without a " +
    "conformance claim:";

  function overlay(problems, heading) {
    if (!problems) {
      if (box) { box.remove(); box = null; }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "bookwright-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#ffe9e6;border-top:4px solid #ff6b57;" +
        "font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 -6px 24px rgba(0,0,0,.35)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = heading;
    var list = document.createElement("pre");
    list.style.cssText = "margin:.6rem 0 0;white-space:pre-wrap;font:inherit";
    list.textContent = problems.join("\n");
    box.appendChild(title);
    box.appendChild(list);
  }

  // The first question is answered at once (a failed build shows straight away); after
  // that the server holds each request until there is a build newer than `seen`.
  var first = true;
  function poll() {
    var url = first || seen === null ? STATUS : STATUS + "?since=" + seen + (epub === null ? "" : "&epub=" + epub);
    first = false;
    fetch(url, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          // 503: the server is holding as many live-reload requests as it allows (more tabs
          // than that are open); it says when to ask again.
          var wait = parseInt(response.headers.get("Retry-After"), 10);
          setTimeout(poll, (wait > 0 ? wait : 2) * 1000);
          return null;
        }
        return response.json();
      })
      .then(function (status) {
        if (status === null) { return; }
        if (seen !== null && status.build !== seen && status.ok) {
          window.location.reload();
          return;
        }
        seen = status.build;
        var gate = status.editions && status.editions.epub;
        epub = gate ? gate.version : null;
        if (!status.ok) {
          overlay(status.problems, BOOK);
        } else if (gate && gate.gate === "failed") {
          overlay(gate.problems, GATE);
        } else {
          overlay(null);
        }
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
