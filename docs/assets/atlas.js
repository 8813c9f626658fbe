// Citation lines: show each permanent address in full, and let readers copy it with one click.
// Runs on every page load, including Material's instant navigation (document$), without a framework.
(function () {
  "use strict";
  function absolute(href) {
    return new URL(href, window.location.href).href;
  }
  function setUp() {
    // The theme's search dialog has no accessible name; screen readers announce it as "Search".
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
    // Wide tables (four or more columns, such as All cases) become one block per row on phones
    // (atlas.css); each value is labelled with its column's name, as the header row is out of sight.
    document.querySelectorAll(".md-typeset table:not([class])").forEach(function (table) {
      if (table.closest(".atlas-heat-map")) return;
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (names.length < 4) return;
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (names[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[i]);
        });
      });
    });
    // A long table of cases shows its first screenfuls, and more at each press of its button.
    document.querySelectorAll(".atlas-case-table[data-page]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "yes";
      var step = parseInt(box.dataset.page, 10);
      var rows = box.querySelectorAll("tbody tr");
      var more = box.querySelector(".atlas-more");
      var button = box.querySelector(".atlas-more__button");
      if (!more || !button || !(step > 0) || rows.length <= step) return;
      var shown = step;
      function show() {
        Array.prototype.forEach.call(rows, function (row, i) { row.hidden = i >= shown; });
        var left = rows.length - shown;
        more.hidden = left <= 0;
        button.textContent = "Show " + Math.min(step, left) + " more cases (" + left + " not shown yet)";
      }
      button.onclick = function () {
        shown += step;
        show();
      };
      show();
    });
    document.querySelectorAll(".atlas-address[data-href]").forEach(function (el) {
      el.textContent = absolute(el.dataset.href);
    });
    document.querySelectorAll("button.atlas-copy[data-href]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.onclick = function () {
        navigator.clipboard.writeText(absolute(button.dataset.href)).then(function () {
          button.textContent = "Link copied";
          setTimeout(function () { button.textContent = "Copy link"; }, 2000);
        });
      };
    });
  }
  // Runs setUp on every page load: through Material's document$ (instant navigation too) or,
  // without it, once the page is ready. The page scripts use it as well; this file loads first.
  window.atlasOnPage = function (setUp) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUp);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setUp);
    } else {
      setUp();
    }
  };
  window.atlasOnPage(setUp);
})();
