// The self-assessment: ratings kept in this browser (localStorage), shared only through a link the
// reader copies (#1a=g&1b=ar...), exported as CSV, printed as a one-page summary, and used to suggest
// cases for the weakest elements. Nothing is sent anywhere.
(function () {
  "use strict";
  var KEY = "atlas-self-assessment-v1";
  var NAMES = { r: "Red", ar: "Amber-Red", ag: "Amber-Green", g: "Green" };
  var WEAK = ["r", "ar"];
  // For summing ratings by another framework's headings (such as the DfE's pillars).
  var SCORES = { r: 1, ar: 2, ag: 3, g: 4 };
  var PILLAR_CASES = 10;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || { ratings: {}, notes: {} }; }
    catch (e) { return { ratings: {}, notes: {} }; }
  }
  function save(state) {
    state.saved = new Date().toISOString().slice(0, 10);
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage full or blocked */ }
  }
  function fromHash(known) {
    var ratings = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var owns = Object.prototype.hasOwnProperty;
      if (known.indexOf(parts[0]) >= 0 && owns.call(NAMES, parts[1])) ratings[parts[0]] = parts[1];
    });
    return ratings;
  }
  function sameRatings(a, b) {
    var keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(function (k) { return a[k] === b[k]; });
  }
  function csvCell(text) {
    var value = String(text || "");
    if (/^[=+\-@\t\r]/.test(value)) value = "'" + value;  // stop spreadsheets reading a note as a formula
    return '"' + value.replace(/"/g, '""') + '"';
  }

  function setUp() {
    var form = document.querySelector("form.atlas-self-assessment");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "yes";
    var elements = Array.prototype.slice.call(form.querySelectorAll("fieldset.atlas-element"));
    var status = form.querySelector(".atlas-sa-status");
    var known = elements.map(function (f) { return f.dataset.element; });
    var state = load();
    // Addresses come from the page (atlas/pages.py), not from here.
    function caseHref(id) { return form.getAttribute("data-case-href").replace("{id}", id); }

    function openShared() {
      var shared = fromHash(known);
      var own = load();
      if (!Object.keys(shared).length || sameRatings(shared, own.ratings)) {
        state = own;  // no link, or the address already holds this browser's own ratings
        return;
      }
      // Show a shared link's ratings without touching this browser's own saved ones, until the
      // reader changes a rating here: then these become theirs.
      state = { ratings: shared, notes: {} };
      status.textContent = "Showing the ratings from the link you opened. Your own saved ratings are "
        + "untouched; changing a rating here saves these ratings as yours.";
    }
    openShared();

    function apply() {
      elements.forEach(function (fieldset) {
        var id = fieldset.dataset.element;
        Array.prototype.forEach.call(fieldset.querySelectorAll("input[type=radio]"), function (radio) {
          radio.checked = state.ratings[id] === radio.value;
        });
        fieldset.querySelector("textarea").value = state.notes[id] || "";
        fieldset.dataset.rating = state.ratings[id] || "";
      });
    }

    function link() {
      var pairs = elements
        .map(function (f) { return f.dataset.element; })
        .filter(function (id) { return state.ratings[id]; })
        .map(function (id) { return id + "=" + state.ratings[id]; });
      return window.location.href.split("#")[0] + (pairs.length ? "#" + pairs.join("&") : "");
    }

    var cases = null;
    var loadFailed = false;
    // Suggested cases: most matching elements first, then newest, then by title.
    function bestFirst(a, b) {
      return b.shared.length - a.shared.length || (a.c.published < b.c.published ? 1 : a.c.published > b.c.published ? -1 : 0)
        || a.c.title.localeCompare(b.c.title);
    }
    // A list of links to suggested cases, each saying which elements it matched where asked.
    function caseList(scored, className, saying) {
      var list = document.createElement("ol");
      list.className = className;
      scored.forEach(function (x) {
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = caseHref(x.c.id);
        a.textContent = x.c.title;
        item.appendChild(a);
        if (saying) item.appendChild(document.createTextNode(" (for " + x.shared.join(", ") + ")"));
        list.appendChild(item);
      });
      return list;
    }
    function weakElements() {
      return elements
        .map(function (f) { return f.dataset.element; })
        .filter(function (id) { return WEAK.indexOf(state.ratings[id]) >= 0; });
    }
    // The cases for the weak elements, most matching elements first, then newest: at most 15.
    function suggested(weak) {
      var scored = cases.map(function (c) {
        var shared = c.elements.filter(function (e) { return weak.indexOf(e.toLowerCase()) >= 0; });
        return { c: c, shared: shared };
      }).filter(function (x) { return x.shared.length; });
      scored.sort(bestFirst);
      return scored.slice(0, 15);
    }
    function recommend() {
      var box = document.getElementById("atlas-recommendations");
      if (!weakElements().length) {
        box.innerHTML = "<p>Rate an element Red or Amber-Red to see the cases that bear on it, best matches first.</p>";
        summary();
        return;
      }
      var show = function () {
        var weak = weakElements();  // the ratings as they are now, not when the data was asked for
        if (!weak.length) return recommend();
        var scored = suggested(weak);
        var list = caseList(scored, "atlas-recommended", true);
        box.textContent = "";
        var intro = document.createElement("p");
        intro.textContent = scored.length
          ? "Cases for " + weak.map(function (w) { return w.toUpperCase(); }).join(", ") + ", most matching elements first:"
          : "No case is tagged to these elements yet.";
        box.appendChild(intro);
        if (scored.length) box.appendChild(list);
        summary();
      };
      if (cases) return show();
      summary();
      loadCases().then(function () {
        if (!loadFailed) return show();
        box.textContent = "The list of cases could not be loaded here. Open this page from the atlas's web address.";
        summary();
      });
    }

    // The list of cases is fetched once, when a suggestion first needs it.
    var loading = null;
    function loadCases() {
      if (!loading) {
        loading = fetch(form.getAttribute("data-cases")).then(function (r) { return r.json(); }).then(function (data) {
          cases = data.cases;
        }).catch(function () { loadFailed = true; });
      }
      return loading;
    }

    // The ratings summed by the headings of each crosswalk on the page, and the weakest heading.
    var sections = Array.prototype.slice.call(document.querySelectorAll(".atlas-pillars"));
    function pillarScores(section) {
      return Array.prototype.map.call(section.querySelectorAll("tr[data-pillar]"), function (row) {
        var members = row.dataset.elements.split(" ").filter(Boolean);
        var rated = members.filter(function (id) { return SCORES[state.ratings[id]]; });
        var sum = rated.reduce(function (total, id) { return total + SCORES[state.ratings[id]]; }, 0);
        return { row: row, id: row.dataset.pillar, name: row.dataset.name, members: members, rated: rated,
                 sum: sum, mean: rated.length ? sum / rated.length : null };
      });
    }
    function weakestOf(scores) {
      var weakest = null;
      scores.forEach(function (s) { if (s.mean !== null && (!weakest || s.mean < weakest.mean)) weakest = s; });
      return weakest;
    }
    // The cases for a heading, those tagged to most of its elements first, then newest.
    function pillarCases(crosswalk, pillar) {
      var wanted = crosswalk + "/" + pillar.id;
      var scored = cases.filter(function (c) { return (c.crosswalk_headings || []).indexOf(wanted) >= 0; }).map(function (c) {
        var shared = c.elements.filter(function (e) { return pillar.members.indexOf(e.toLowerCase()) >= 0; });
        return { c: c, shared: shared };
      });
      scored.sort(bestFirst);
      return scored.slice(0, PILLAR_CASES);
    }
    function pillars() {
      sections.forEach(function (section) {
        var facet = section.dataset.facet;
        var scores = pillarScores(section);
        var weakest = weakestOf(scores);
        scores.forEach(function (s) {
          if (s.members.length) s.row.querySelector(".atlas-pillar-rated").textContent = s.rated.length + " of " + s.members.length;
          s.row.querySelector(".atlas-pillar-sum").textContent = s.rated.length ? String(s.sum) : "-";
          s.row.querySelector(".atlas-pillar-mean").textContent = s.mean === null ? "-" : s.mean.toFixed(1);
          s.row.classList.toggle("atlas-pillar-weakest-row", s === weakest);
        });
        var status = section.querySelector(".atlas-pillar-weakest");
        var box = section.querySelector(".atlas-pillar-cases");
        box.textContent = "";
        if (!weakest) {
          status.textContent = "Rate some elements to see your weakest " + facet + ".";
          return;
        }
        status.textContent = "Your weakest " + facet + ": " + weakest.name + " (average " + weakest.mean.toFixed(1)
          + " from " + weakest.rated.length + " rated element" + (weakest.rated.length === 1 ? "" : "s") + ").";
        if (!cases) {
          box.textContent = loadFailed ? "The list of cases could not be loaded here." : "Loading cases...";
          if (!loadFailed) loadCases().then(summary);  // summary redoes this, and the printed page
          return;
        }
        var scored = pillarCases(section.dataset.crosswalk, weakest);
        var intro = document.createElement("p");
        intro.textContent = scored.length ? "Cases for " + weakest.name + ", most of its elements first:" : "No case bears on " + weakest.name + " yet.";
        box.appendChild(intro);
        var list = caseList(scored, "atlas-pillar-recommended", false);
        if (scored.length) box.appendChild(list);
      });
    }

    // The printed page, kept up to date on every change so that any way of printing (the button,
    // the browser's menu, a PDF export) gets the ratings, notes and suggested cases as they are.
    function summary() {
      pillars();
      var section = document.querySelector(".atlas-print-summary");
      if (!section) return;
      // Built with DOM calls and textContent: names and notes are never read as HTML.
      function cell(tag, text, attributes) {
        var node = document.createElement(tag);
        node.textContent = text;
        Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
        return node;
      }
      section.textContent = "";
      section.appendChild(cell("h2", "Self-assessment summary"));
      var printed = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
      section.appendChild(cell("p", "Printed " + printed + "."));
      var table = document.createElement("table");
      table.className = "atlas-print-ratings";
      var head = table.createTHead().insertRow();
      ["Element", "Rating", "Notes"].forEach(function (h) { head.appendChild(cell("th", h)); });
      var body = table.createTBody();
      elements.forEach(function (f) {
        var id = f.dataset.element;
        var row = body.insertRow();
        row.appendChild(cell("th", id.toUpperCase() + " " + f.dataset.name, { scope: "row" }));
        row.appendChild(cell("td", NAMES[state.ratings[id]] || "Not rated", { "class": "atlas-rating-" + (state.ratings[id] || "none") }));
        row.appendChild(cell("td", state.notes[id] || ""));
      });
      section.appendChild(table);
      section.appendChild(cell("h3", "Suggested cases"));
      var weak = weakElements();
      if (!weak.length) {
        section.appendChild(cell("p", "No element is rated Red or Amber-Red, so no cases are suggested."));
      } else if (!cases) {
        section.appendChild(cell("p", loadFailed ? "The list of cases could not be loaded." : "Loading the suggested cases..."));
      } else {
        var scored = suggested(weak);
        var upper = weak.map(function (w) { return w.toUpperCase(); }).join(", ");
        section.appendChild(cell("p", scored.length
          ? "Cases for the elements rated Red or Amber-Red (" + upper + "), most matching elements first:"
          : "No case is tagged to " + upper + " yet."));
        var list = document.createElement("ol");
        scored.forEach(function (x) {
          var item = cell("li", x.c.title + " (for " + x.shared.join(", ") + "): ");
          item.appendChild(cell("span", new URL(caseHref(x.c.id), window.location.href).href, { "class": "atlas-print-address" }));
          list.appendChild(item);
        });
        if (scored.length) section.appendChild(list);
      }
      sections.forEach(function (part) {
        var facet = part.dataset.facet;
        var scores = pillarScores(part);
        var weakest = weakestOf(scores);
        // A paragraph, not a table: the page must still fit one sheet of A4 with every note.
        section.appendChild(cell("h3", "By " + facet));
        section.appendChild(cell("p", "Average rating of the rated elements behind each " + facet + " (Red 1 to Green 4): "
          + scores.map(function (s) {
            var value = !s.members.length ? "a gap in the framework" : s.mean === null ? "not rated" : s.mean.toFixed(1);
            return s.name + " " + value + (s === weakest ? " (weakest)" : "");
          }).join("; ") + ".", { "class": "atlas-print-pillars" }));
        if (weakest && cases) {
          var picked = pillarCases(part.dataset.crosswalk, weakest).slice(0, 3);
          if (picked.length) {
            section.appendChild(cell("p", "Cases for " + weakest.name + ":"));
            var few = document.createElement("ul");
            few.className = "atlas-print-pillar-cases";
            picked.forEach(function (x) {
              var item = cell("li", x.c.title + ": ");
              item.appendChild(cell("span", new URL(caseHref(x.c.id), window.location.href).href, { "class": "atlas-print-address" }));
              few.appendChild(item);
            });
            section.appendChild(few);
          }
        }
      });
      var rated = Object.keys(state.ratings).length;
      if (rated) section.appendChild(cell("p", "These ratings online: " + link()));
    }

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type === "radio") {
        state.ratings[input.name] = input.value;
        save(state);
        apply();
        recommend();
        history.replaceState(null, "", link());
      }
    });
    form.addEventListener("input", function (event) {
      var input = event.target;
      if (input.tagName === "TEXTAREA") {
        state.notes[input.id.replace(/^note-/, "")] = input.value;
        save(state);
        summary();
      }
    });
    form.addEventListener("click", function (event) {
      var action = event.target.getAttribute && event.target.getAttribute("data-action");
      if (action === "link") {
        var url = link();
        if (navigator.clipboard) navigator.clipboard.writeText(url);
        status.textContent = "Link copied: " + url;
      } else if (action === "csv") {
        var lines = ["element,name,rating,notes"].concat(elements.map(function (f) {
          var id = f.dataset.element;
          return [csvCell(id.toUpperCase()), csvCell(f.dataset.name), csvCell(NAMES[state.ratings[id]] || ""), csvCell(state.notes[id])].join(",");
        }));
        // A byte-order mark first, as in the atlas's own CSV: Excel reads the file as UTF-8 only with one.
        var blob = new Blob(["\ufeff" + lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "self-assessment.csv";
        document.body.appendChild(a);
        a.click();
        a.remove();
        status.textContent = "Downloaded self-assessment.csv.";
      } else if (action === "print") {
        summary();
        window.print();
      } else if (action === "clear") {
        state = { ratings: {}, notes: {} };
        save(state);
        apply();
        recommend();
        history.replaceState(null, "", window.location.pathname);
        status.textContent = "All ratings cleared.";
      }
    });
    window.addEventListener("beforeprint", summary);
    window.addEventListener("hashchange", function () {
      openShared();
      apply();
      recommend();
    });
    apply();
    recommend();
  }

  window.atlasOnPage(setUp);
})();
