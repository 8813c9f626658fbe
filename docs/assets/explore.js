// The case explorer: filters that combine, counts that update as you choose, and an address that
// holds the filters, so a filtered view can be linked and reopened. Runs only in the reader's browser.
(function () {
  "use strict";
  // The filters are the form's own lists: one per field, and one per crosswalk (such as the DfE's
  // pillars), so a new crosswalk needs no change here.
  var FIELDS = [];

  function matches(card, filters, skip) {
    for (var i = 0; i < FIELDS.length; i++) {
      var name = FIELDS[i];
      var wanted = filters[name];
      if (!wanted || name === skip) continue;
      var values = (card.getAttribute("data-" + name) || "").split(" ");
      if (values.indexOf(wanted) < 0) return false;
    }
    if (filters.q && skip !== "q") {
      var text = card.getAttribute("data-text") || "";
      var words = filters.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var j = 0; j < words.length; j++) {
        if (text.indexOf(words[j]) < 0) return false;
      }
    }
    return true;
  }

  function setUp() {
    var form = document.querySelector("form.atlas-filters");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "yes";
    FIELDS = Array.prototype.map.call(form.querySelectorAll("select"), function (select) { return select.name; });
    var cards = Array.prototype.slice.call(document.querySelectorAll(".atlas-card"));
    var status = document.querySelector(".atlas-count");
    var selects = FIELDS.map(function (name) { return form.elements[name]; });
    var text = form.elements.q;
    var box = form.querySelector(".atlas-filter-box");
    var chosen = form.querySelector(".atlas-filter-chosen");
    // On a phone the filters start folded, so the first results show on the first screen.
    if (box && window.matchMedia("(max-width: 44.9375em)").matches) box.open = false;
    // Remember each option's plain label so counts can be added and replaced.
    selects.forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        option.dataset.label = option.textContent;
      });
    });

    function current() {
      var filters = {};
      selects.forEach(function (select) { filters[select.name] = select.value; });
      filters.q = text.value.trim();
      return filters;
    }

    function update() {
      var filters = current();
      var shown = 0;
      cards.forEach(function (card) {
        var ok = matches(card, filters, null);
        card.hidden = !ok;
        if (ok) shown++;
      });
      // Each option shows how many cases it would leave, given the other filters.
      selects.forEach(function (select) {
        var others = cards.filter(function (card) { return matches(card, filters, select.name); });
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) return;
          var n = others.filter(function (card) {
            return (card.getAttribute("data-" + select.name) || "").split(" ").indexOf(option.value) >= 0;
          }).length;
          option.textContent = option.dataset.label + " (" + n + ")";
        });
      });
      status.textContent = "Showing " + shown + " of " + cards.length + " cases.";
      var on = FIELDS.concat(["q"]).filter(function (name) { return filters[name]; }).length;
      if (chosen) chosen.textContent = on ? " (" + on + " chosen)" : "";
      var params = new URLSearchParams();
      FIELDS.concat(["q"]).forEach(function (name) {
        if (filters[name]) params.set(name, filters[name]);
      });
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var value = (params.get(select.name) || "").toLowerCase();
      if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
    });
    text.value = params.get("q") || "";
    form.addEventListener("change", update);
    text.addEventListener("input", update);
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    update();
  }

  window.atlasOnPage(setUp);
})();
