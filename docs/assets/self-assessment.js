// The self-assessment: ratings kept in this browser (localStorage), shared only through a link the
// reader copies (#1a=g&1b=ar...), exported as CSV, printed as a one-page summary, and used to suggest
// cases for the weakest elements. Nothing is sent anywhere.
(function () {
  "use strict";
  var KEY = "atlas-self-assessment-v1";
  var NAMES = { r: "Red", ar: "Amber-Red", ag: "Amber-Green", g: "Green" };
  var WEAK = ["r", "ar"];

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
      scored.sort(function (a, b) {
        return b.shared.length - a.shared.length || (a.c.published < b.c.published ? 1 : a.c.published > b.c.published ? -1 : 0)
          || a.c.title.localeCompare(b.c.title);
      });
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
        var list = document.createElement("ol");
        list.className = "atlas-recommended";
        scored.forEach(function (x) {
          var item = document.createElement("li");
          var a = document.createElement("a");
          a.href = caseHref(x.c.id);
          a.textContent = x.c.title;
          item.appendChild(a);
          item.appendChild(document.createTextNode(" (for " + x.shared.join(", ") + ")"));
          list.appendChild(item);
        });
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
      fetch(form.getAttribute("data-cases")).then(function (r) { return r.json(); }).then(function (data) {
        cases = data.cases;
        show();
      }).catch(function () {
        loadFailed = true;
        box.textContent = "The list of cases could not be loaded here. Open this page from the atlas's web address.";
        summary();
      });
    }

    // The printed page, kept up to date on every change so that any way of printing (the button,
    // the browser's menu, a PDF export) gets the ratings, notes and suggested cases as they are.
    function summary() {
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
        var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv" });
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
