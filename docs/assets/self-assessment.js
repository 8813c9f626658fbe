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
  function fromHash() {
    var ratings = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (/^[1-6][a-c]$/.test(parts[0]) && NAMES[parts[1]]) ratings[parts[0]] = parts[1];
    });
    return ratings;
  }
  function csvCell(text) {
    var value = String(text || "");
    if (/^[=+\-@]/.test(value)) value = "'" + value;  // stop spreadsheets reading a note as a formula
    return '"' + value.replace(/"/g, '""') + '"';
  }

  function setUp() {
    var form = document.querySelector("form.atlas-self-assessment");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "yes";
    var elements = Array.prototype.slice.call(form.querySelectorAll("fieldset.atlas-element"));
    var status = form.querySelector(".atlas-sa-status");
    var state = load();
    var shared = fromHash();
    if (Object.keys(shared).length) {
      state.ratings = shared;
      save(state);
      status.textContent = "Showing the ratings from the link you opened.";
    }

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
    function recommend() {
      var box = document.getElementById("atlas-recommendations");
      var weak = elements
        .map(function (f) { return f.dataset.element; })
        .filter(function (id) { return WEAK.indexOf(state.ratings[id]) >= 0; });
      if (!weak.length) {
        box.innerHTML = "<p>Rate an element Red or Amber-Red to see the cases that bear on it, best matches first.</p>";
        return;
      }
      var show = function () {
        var scored = cases.map(function (c) {
          var shared = c.elements.filter(function (e) { return weak.indexOf(e.toLowerCase()) >= 0; });
          return { c: c, shared: shared };
        }).filter(function (x) { return x.shared.length; });
        scored.sort(function (a, b) {
          return b.shared.length - a.shared.length || (a.c.published < b.c.published ? 1 : a.c.published > b.c.published ? -1 : 0)
            || a.c.title.localeCompare(b.c.title);
        });
        var list = document.createElement("ol");
        list.className = "atlas-recommended";
        scored.slice(0, 15).forEach(function (x) {
          var item = document.createElement("li");
          var a = document.createElement("a");
          a.href = "../cases/" + x.c.id + "/";
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
      };
      if (cases) return show();
      fetch("../api/cases.json").then(function (r) { return r.json(); }).then(function (data) {
        cases = data.cases;
        show();
      });
    }

    function summary() {
      var section = document.querySelector(".atlas-print-summary");
      var rows = elements.map(function (f) {
        var id = f.dataset.element;
        return "<tr><th scope=\"row\">" + id.toUpperCase() + " " + f.dataset.name.replace(/</g, "&lt;") + "</th><td class=\"atlas-rating-" + (state.ratings[id] || "none") + "\">" +
          (NAMES[state.ratings[id]] || "Not rated") + "</td><td></td></tr>";
      });
      section.innerHTML = "<h2>Self-assessment summary</h2><p>Printed " + new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }) +
        ".</p><table><thead><tr><th>Element</th><th>Rating</th><th>Notes</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
      // Notes go in as text, never as HTML.
      var cells = section.querySelectorAll("tbody td:last-child");
      elements.forEach(function (f, i) { cells[i].textContent = state.notes[f.dataset.element] || ""; });
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
    apply();
    recommend();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
