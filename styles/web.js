/* bookwright web edition: arrow-key paging, note pop-ups and offline search.
   Everything here is an improvement on pages that work without it: the pager links,
   the notes at the end of the chapter and the contents are plain HTML. */
(function () {
  "use strict";
  var doc = document;

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  /* --- paging with the arrow keys -------------------------------------------------- */

  doc.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (isTyping(event.target)) return;
    if (event.key === "/" && searchInput) {
      event.preventDefault();
      searchInput.focus();
      return;
    }
    var rtl = doc.documentElement.dir === "rtl";
    var rel = event.key === "ArrowLeft" ? (rtl ? "next" : "prev")
      : event.key === "ArrowRight" ? (rtl ? "prev" : "next") : null;
    if (!rel) return;
    var link = doc.querySelector('link[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.getAttribute("href");
    }
  });

  /* --- notes: shown beside their call --------------------------------------------- */

  var popup = null;
  var popupCall = null;

  function closePopup(returnFocus) {
    if (!popup) return;
    popup.parentNode.removeChild(popup);
    if (returnFocus && popupCall) popupCall.focus();
    popup = null;
    popupCall = null;
  }

  function openPopup(call, note) {
    closePopup(false);
    var content = note.querySelector(".note-body");
    if (!content) return;
    popup = doc.createElement("div");
    popup.className = "note-popup";
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", call.getAttribute("aria-label") || "");
    popup.tabIndex = -1;
    var number = doc.createElement("span");
    number.className = "note-popup-number";
    number.textContent = (call.getAttribute("data-note") || call.textContent) + ".";
    var body = content.cloneNode(true);
    // The copy must not repeat the ids of the note it copies.
    Array.prototype.forEach.call(body.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
    body.className = "note-popup-body";
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "note-popup-close";
    close.setAttribute("aria-label", "\u00d7");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { closePopup(true); });
    popup.appendChild(close);
    // The number leads the note's first paragraph, as it does at the end of the chapter.
    var first = body.firstElementChild;
    if (first && first.tagName === "P") first.insertBefore(number, first.firstChild);
    else popup.appendChild(number);
    popup.appendChild(body);
    doc.body.appendChild(popup);
    popupCall = call;
    var rect = call.getBoundingClientRect();
    var width = popup.offsetWidth;
    var left = Math.max(8, Math.min(rect.left + window.scrollX - 24, doc.documentElement.clientWidth - width - 8));
    popup.style.left = left + "px";
    popup.style.top = rect.bottom + window.scrollY + 6 + "px";
    popup.focus({ preventScroll: true });
  }

  doc.addEventListener("click", function (event) {
    var call = event.target.closest && event.target.closest("a.noteref");
    if (call) {
      var note = doc.getElementById(decodeURIComponent(call.hash.slice(1)));
      if (!note) return;
      event.preventDefault();
      if (popupCall === call) closePopup(true);
      else openPopup(call, note);
      return;
    }
    if (popup && !popup.contains(event.target)) closePopup(false);
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && popup) closePopup(true);
  });
  window.addEventListener("resize", function () { closePopup(false); });

  /* --- the contents beside the text: show where the reader is ----------------------- */

  var sidebar = doc.querySelector(".sidebar");
  var current = sidebar && sidebar.querySelector('[aria-current="page"]');
  if (current && getComputedStyle(sidebar).position === "sticky" && sidebar.scrollHeight > sidebar.clientHeight) {
    sidebar.scrollTop = Math.max(0, current.offsetTop - sidebar.clientHeight / 3);
  }

  /* --- search ------------------------------------------------------------------------ */

  var form = doc.querySelector("form.search");
  var searchInput = form && form.querySelector("input");
  if (!form || !searchInput) return;
  var results = doc.getElementById("search-results");
  var index = null;
  var loading = false;
  var MAX_RESULTS = 25;
  form.hidden = false;

  // Must agree with web_search.fold in the build: lower case, accents dropped.
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
  }
  function tokens(text) {
    return (fold(text).match(/[\p{L}\p{N}_]+/gu) || []).filter(function (t) { return t.length > 1 || /\d/.test(t); });
  }

  function prepare(data) {
    var terms = Object.keys(data.terms).sort();
    return { data: data, terms: terms, cache: {}, folded: [] };
  }

  function postings(term) {
    if (index.cache[term]) return index.cache[term];
    var ids = [];
    var previous = 0;
    index.data.terms[term].split(",").forEach(function (delta) {
      previous += parseInt(delta, 36);
      ids.push(previous);
    });
    index.cache[term] = ids;
    return ids;
  }

  // Every section holding a word that starts with `token`: "trust" finds "trusted" too.
  function sectionsFor(token) {
    var terms = index.terms;
    var low = 0, high = terms.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (terms[mid] < token) low = mid + 1; else high = mid;
    }
    var found = {};
    for (var i = low; i < terms.length && terms[i].lastIndexOf(token, 0) === 0; i++) {
      postings(terms[i]).forEach(function (id) { found[id] = (found[id] || 0) + (terms[i] === token ? 2 : 1); });
    }
    return found;
  }

  function occurrences(haystack, needle) {
    var count = 0;
    for (var at = haystack.indexOf(needle); at !== -1 && count < 20; at = haystack.indexOf(needle, at + needle.length)) count++;
    return count;
  }

  function search(query) {
    var words = tokens(query);
    if (!words.length) return [];
    var candidates = null;
    words.forEach(function (word) {
      var found = sectionsFor(word);
      if (candidates === null) { candidates = found; return; }
      Object.keys(candidates).forEach(function (id) {
        if (found[id]) candidates[id] += found[id]; else delete candidates[id];
      });
    });
    var scored = Object.keys(candidates).map(function (id) {
      var section = index.data.sections[id];
      var text = index.folded[id] || (index.folded[id] = fold(section[3]));
      var title = fold(section[2]);
      var score = candidates[id];
      words.forEach(function (word) {
        score += occurrences(text, word);
        if (title.indexOf(word) !== -1) score += 8;
      });
      if (words.length > 1 && phraseIn(text, words)) score += 25;
      return { id: +id, score: score };
    });
    scored.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    return scored.slice(0, MAX_RESULTS).map(function (hit) { return hit.id; });
  }

  // A stretch of the section's text around the first hit, the query marked in it: the
  // phrase when the text has it, else each word of the query where a word begins.
  function snippet(text, words) {
    var folded = fold(text);
    var comparable = folded.length === text.length ? folded : text.toLowerCase();
    var phrase = words.length > 1 ? phraseIn(comparable, words) : null;
    if (phrase) words = [phrase];
    var at = -1;
    words.some(function (word) { at = comparable.indexOf(word); return at !== -1; });
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, Math.max(at, 0) + 140);
    if (start > 0) start = text.indexOf(" ", start) + 1;
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), at + 1);
    var piece = text.slice(start, end);
    var span = doc.createElement("span");
    span.className = "result-snippet";
    var lowered = comparable.slice(start, end);
    var pos = 0;
    if (start > 0) span.appendChild(doc.createTextNode("\u2026"));
    // Highlight each word where it starts a word in the text.
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}_])(" + words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")", "gu");
    var match;
    while ((match = pattern.exec(lowered)) !== null) {
      var from = match.index + match[1].length;
      var to = from + match[2].length;
      span.appendChild(doc.createTextNode(piece.slice(pos, from)));
      var mark = doc.createElement("mark");
      mark.textContent = piece.slice(from, to);
      span.appendChild(mark);
      pos = to;
    }
    span.appendChild(doc.createTextNode(piece.slice(pos)));
    if (end < text.length) span.appendChild(doc.createTextNode("\u2026"));
    return span;
  }

  // The query's words in a row as the text writes them ("sky. the" for "sky the"), or null.
  function phraseIn(comparable, words) {
    var pattern = new RegExp(words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("[^\\p{L}\\p{N}_]+"), "u");
    var match = pattern.exec(comparable);
    return match ? match[0] : null;
  }

  function show(query) {
    while (results.firstChild) results.removeChild(results.firstChild);
    if (!tokens(query).length) {
      results.hidden = true;
      return;
    }
    var words = tokens(query);
    var hits = search(query);
    var count = doc.createElement("p");
    count.setAttribute("role", "status");
    var many = hits.length === MAX_RESULTS ? "+" : "";
    count.textContent = !hits.length ? form.getAttribute("data-no-results")
      : hits.length === 1 ? form.getAttribute("data-one-result")
      : hits.length + many + " " + form.getAttribute("data-results");
    results.appendChild(count);
    if (hits.length) {
      var list = doc.createElement("ol");
      hits.forEach(function (id) {
        var section = index.data.sections[id];
        var page = index.data.pages[section[0]];
        var link = doc.createElement("a");
        link.href = page[0] + (section[1] ? "#" + section[1] : "");
        var title = doc.createElement("span");
        title.className = "result-title";
        title.textContent = section[2];
        link.appendChild(title);
        if (section[1]) {
          var chapter = doc.createElement("span");
          chapter.className = "result-chapter";
          chapter.textContent = page[1];
          link.appendChild(chapter);
        }
        link.appendChild(snippet(section[3], words));
        var item = doc.createElement("li");
        item.appendChild(link);
        list.appendChild(item);
      });
      results.appendChild(list);
    }
    results.hidden = false;
  }

  function load(then) {
    if (index) { then(); return; }
    if (window.bookwrightSearch) { index = prepare(window.bookwrightSearch); then(); return; }
    form.pendingQuery = then;
    if (loading) return;
    loading = true;
    // A script element, not fetch(): fetch is refused for file:// pages.
    var script = doc.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onload = function () {
      index = prepare(window.bookwrightSearch);
      if (form.pendingQuery) form.pendingQuery();
    };
    doc.head.appendChild(script);
  }

  searchInput.addEventListener("focus", function () { load(function () {}); });
  searchInput.addEventListener("input", function () {
    load(function () { show(searchInput.value); });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = results.querySelector("a");
    if (first) window.location.href = first.href;
  });
  form.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(results.querySelectorAll("a"));
    var at = links.indexOf(doc.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at !== -1) {
      event.preventDefault();
      if (at === 0) searchInput.focus(); else links[at - 1].focus();
    } else if (event.key === "Escape") {
      results.hidden = true;
      searchInput.focus();
    }
  });
  doc.addEventListener("click", function (event) {
    if (!form.contains(event.target)) results.hidden = true;
  });
  searchInput.addEventListener("focus", function () {
    if (results.firstChild) results.hidden = false;
  });
})();
