/* bookwright serve: the screen PDF preview (/__bookwright/pdf). Asks the preview server for
   each new version of the PDF and opens it at the first page that changed. */
(function () {
  "use strict";
  var STATUS = "/__bookwright/status";
  var script = document.currentScript;
  var seen = script && script.dataset.version ? +script.dataset.version : 0;
  var frame = document.getElementById("bookwright-pdf");

  function show(pdf) {
    var notice = document.getElementById("bookwright-no-pdf");
    if (notice) { notice.remove(); }
    // A new query makes the frame load the new file; the fragment says which page to open.
    frame.src = "/" + encodeURIComponent(pdf.file) + "?v=" + pdf.version + (pdf.page ? "#page=" + pdf.page : "");
  }

  function poll() {
    fetch(STATUS + "?pdf=" + seen, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          var wait = parseInt(response.headers.get("Retry-After"), 10);
          setTimeout(poll, (wait > 0 ? wait : 2) * 1000);
          return null;
        }
        return response.json();
      })
      .then(function (status) {
        if (status === null) { return; }
        var pdf = status.editions && status.editions.pdf;
        if (pdf && pdf.version !== seen) {
          var first = !frame.src || frame.src === "about:blank";
          seen = pdf.version;
          // Nothing on the pages changed (only the file's metadata): the reader stays where they are.
          if (pdf.file && (pdf.page || first)) { show(pdf); }
        }
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
