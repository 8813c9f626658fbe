// The header's search box (overrides/partials/header.html), over Pagefind's index in the site's own
// pagefind/ folder and the bundles it lists. Nothing is fetched until the box is first used: then
// Pagefind's script, and through it the index chunks and the excerpts of the results on show.
// Keys: "/", "s" or "f" focus the box; arrows move between it and the results; Enter opens one;
// Escape closes the list (and, in the box, empties it). Arriving from a result, the searched words are marked on the page.
(function () {
  "use strict";
  var PAGE = 10; // results shown at a time
  var PARAM = "pagefind-highlight"; // the query parameter Pagefind adds to result links
  var MAX_TERMS = 20;
  var MAX_TERM_LENGTH = 100;

  var box = document.querySelector(".atlas-search");
  if (!box) return;
  var input = box.querySelector(".atlas-search__input");
  var panel = box.querySelector(".atlas-search__panel");
  var status = box.querySelector(".atlas-search__status");
  var list = box.querySelector(".atlas-search__results");
  var more = box.querySelector(".atlas-search__more");
  // The bundle's address from this page's relative link to it: the site may live below a folder.
  var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).pathname;
  var pagefind = null; // Pagefind's API, once it and every bundle have loaded
  var loading = null;
  var asked = 0; // searches asked for: only the latest one's answer is shown
  var typing = null;
  var found = [];
  var shown = 0;
  var round = 0; // which search the list shows, so a late answer to an earlier one is dropped
  box.hidden = false;

  function open(show) {
    panel.hidden = !show;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  // Each batch's excerpts are fetched at once, but batches join the list in the order asked for,
  // however quickly "More results" is pressed.
  var appended = Promise.resolve();

  function showMore() {
    var batch = found.slice(shown, shown + PAGE);
    var forRound = round;
    shown += batch.length;
    more.hidden = shown >= found.length;
    var fetched = Promise.all(
      batch.map(function (result) {
        return result.data();
      })
    );
    appended = appended
      .then(function () {
        return fetched;
      })
      .then(append, function () {});
    return appended;

    function append(pages) {
      if (forRound !== round) return;
      pages.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.className = "atlas-search__link";
        link.textContent = (page.meta && page.meta.title) || page.url;
        var excerpt = document.createElement("p");
        excerpt.className = "atlas-search__excerpt";
        excerpt.innerHTML = page.excerpt; // Pagefind escapes the page's text and adds <mark> round the terms
        item.appendChild(link);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
    }
  }

  function showResults(term, search) {
    round += 1;
    found = (search && search.results) || [];
    shown = 0;
    list.textContent = "";
    more.hidden = true;
    if (!term) {
      open(false);
      return;
    }
    status.textContent =
      found.length === 0
        ? "No results for \u201c" + term + "\u201d"
        : found.length + (found.length === 1 ? " result" : " results") + " for \u201c" + term + "\u201d";
    open(true);
    showMore();
  }

  function failed() {
    loading = null;
    status.textContent = "Search could not be loaded.";
    open(true);
  }

  // Pagefind, then the other bundles merged into it (every site is indexed in two or more, see
  // atlas/search.py; the first lists the others). Searches wait for all of it; without the list,
  // search would miss pages, so it counts as failing to load.
  function load() {
    if (!loading) {
      loading = import(bundle + "pagefind.js")
        .then(function (module) {
          // Each bundle takes its own options. A failed attempt leaves bundles merged in, so each
          // attempt starts from nothing.
          var options = { highlightParam: PARAM, excerptLength: 24 };
          return module
            .destroy()
            .then(function () {
              return module.options(options);
            })
            .then(function () {
              return fetch(bundle + "atlas-bundles.json");
            })
            .then(function (response) {
              if (!response.ok) throw new Error("no list of the search bundles");
              return response.json();
            })
            .then(function (others) {
              return others.reduce(function (done, folder) {
                return done.then(function () {
                  return module.mergeIndex(new URL(folder, window.location.origin + bundle).pathname, options);
                });
              }, Promise.resolve());
            })
            .then(function () {
              pagefind = module;
              return module;
            });
        })
        .catch(function (error) {
          failed();
          throw error;
        });
    }
    return loading;
  }

  // One search for what the box holds now. Each is numbered, and an answer is shown only if no
  // search was asked for after it: answers can come back in any order, most of all while loading.
  function search() {
    var term = input.value.trim();
    var number = ++asked;
    if (!term) {
      showResults("", null);
      return;
    }
    if (!pagefind) {
      status.textContent = "Searching\u2026";
      open(true);
    }
    load()
      .then(function (module) {
        return number === asked ? module.search(term) : null;
      })
      .then(function (answer) {
        if (answer && number === asked) showResults(term, answer);
      })
      .catch(function () {
        if (number === asked) failed();
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(search, 150);
  });

  input.addEventListener("focus", function () {
    load().catch(function () {}); // failed() has said so
    if (input.value.trim() && list.firstChild) open(true);
  });

  more.addEventListener("click", function () {
    var first = shown;
    showMore().then(function () {
      var next = links()[first];
      if (next) next.focus();
    });
  });

  box.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      if (event.target === input) {
        // In the box, Escape empties it; an empty search also stops any answer still to come.
        input.value = "";
        window.clearTimeout(typing);
        search();
      }
      input.focus(); // first: focusing the box opens the list again
      open(false);
    } else if (event.key === "ArrowDown" && !panel.hidden && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus();
      else all[at - 1].focus();
    }
  });

  // The list closes when the focus or a click goes elsewhere on the page.
  box.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !box.contains(event.relatedTarget)) {
      window.setTimeout(function () {
        if (!box.contains(document.activeElement)) open(false);
      }, 0);
    }
  });

  // The theme's keys for search: "/", "s" or "f", anywhere but in a field of a form.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (["/", "s", "f"].indexOf(event.key) < 0) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    input.focus();
  });

  // Arriving from a result: mark the searched words in the page's article.
  var arrived = new URLSearchParams(window.location.search);
  if (arrived.has(PARAM)) {
    // A search gives a few words; Pagefind's highlighter throws on thousands, so an address keeps the first few.
    var terms = arrived.getAll(PARAM);
    if (terms.length > MAX_TERMS || terms.some(function (term) { return term.length > MAX_TERM_LENGTH; })) {
      arrived.delete(PARAM);
      terms.slice(0, MAX_TERMS).forEach(function (term) { arrived.append(PARAM, term.slice(0, MAX_TERM_LENGTH)); });
      history.replaceState(history.state, "", "?" + arrived.toString() + window.location.hash);
    }
    import(bundle + "pagefind-highlight.js").then(function (module) {
      new module.default({ highlightParam: PARAM, addStyles: false });
      var first = document.querySelector("article mark.pagefind-highlight");
      if (first && !window.location.hash) first.scrollIntoView({ block: "center" });
    });
  }
})();
