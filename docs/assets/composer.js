// The case composer. Everything it knows about a case comes from the spec the build writes into the page
// (atlas/composer.py, from atlas/schema.py and the validator's rules): the fields, each field's rule, the
// body's sections, the framework and the words of every message. This file interprets that spec; it
// declares no field, no vocabulary and no message of its own. The draft is kept in this browser
// (localStorage); nothing is sent anywhere until the contributor follows "Propose on GitHub".
(function () {
  "use strict";
  var KEY = "atlas-composer-draft-v1";
  var owns = Object.prototype.hasOwnProperty;

  // --- Python's ways of quoting and formatting, so messages read exactly as make check prints them ---

  function repr(value) {
    var text = String(value);
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i], code = text.charCodeAt(i);
      if (c === "\\") out += "\\\\";
      else if (c === quote) out += "\\" + c;
      else if (c === "\n") out += "\\n";
      else if (c === "\r") out += "\\r";
      else if (c === "\t") out += "\\t";
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += "\\x" + ("0" + code.toString(16)).slice(-2);
      else out += c;
    }
    return quote + out + quote;
  }
  function format(template, values) {
    return template.replace(/\{(\w+)(!r)?\}/g, function (_, name, asRepr) {
      var value = values[name];
      return asRepr ? repr(value) : String(value);
    });
  }
  function length(text) { return Array.from(text).length; }  // characters, as Python counts them
  function oneLine(text) { return text.split(/\s+/).filter(Boolean).join(" "); }

  // difflib.SequenceMatcher(None, a, b).ratio() and get_close_matches, for "did you mean".
  function ratio(a, b) {
    var b2j = {};
    for (var j = 0; j < b.length; j++) (b2j[b[j]] = b2j[b[j]] || []).push(j);
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = {};
      for (var i = alo; i < ahi; i++) {
        var next = {}, js = b2j[a[i]] || [];
        for (var n = 0; n < js.length; n++) {
          var jj = js[n];
          if (jj < blo) continue;
          if (jj >= bhi) break;
          var k = next[jj] = (j2len[jj - 1] || 0) + 1;
          if (k > bestsize) { besti = i - k + 1; bestj = jj - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      return [besti, bestj, bestsize];
    }
    var matched = 0, queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        matched += m[2];
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    var total = a.length + b.length;
    return total ? 2 * matched / total : 1;
  }
  function didYouMean(value, choices) {
    var lowered = {}, keys = [];
    choices.forEach(function (c) { lowered[c.toLowerCase()] = c; keys.push(c.toLowerCase()); });
    var low = value.toLowerCase();
    var hint = function (v) { return format(SPEC.messages.did_you_mean, { value: v }); };
    if (owns.call(lowered, low)) return hint(lowered[low]);
    var starts = Object.keys(lowered).filter(function (c) { return c.indexOf(low) === 0; });
    if (starts.length === 1) return hint(lowered[starts[0]]);
    var best = null;
    Object.keys(lowered).forEach(function (c) {
      var score = ratio(c, low);
      if (score >= 0.6 && (!best || score > best[0] || (score === best[0] && c > best[1]))) best = [score, c];
    });
    return best ? hint(lowered[best[1]]) : "";
  }

  var SPEC = null;
  function say(name, values) { return format(SPEC.messages[name], values || {}); }

  // --- values as the case file writes them: text in quotes, whole numbers as numbers ---

  function scalar(type, value) { return { type: type, value: value }; }
  function written(rule, text) {
    if ((rule.kind === "whole_number" || rule.kind === "years") && /^[1-9][0-9]*$/.test(text)) return scalar("int", text);
    return scalar("str", text);
  }
  var PLAIN = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9][A-Za-z][A-Za-z0-9.-]*)$/;
  // Words YAML 1.1 reads as something other than text: yes/no values, null, and numbers written 0x.. or 0b..
  var YAML_WORDS = /^(?:y|n|yes|no|true|false|on|off|null|0x[0-9a-f_]*|0b[01_]*)$/i;
  function yamlScalar(item) {
    if (item.type === "int") return item.value;
    if (PLAIN.test(item.value) && !YAML_WORDS.test(item.value)) return item.value;
    // JSON's escapes are YAML's; the line and paragraph separators would be read as line breaks.
    return JSON.stringify(item.value).replace(/[\u007f-\u009f\u2028\u2029]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  function described(item) {
    return item.type === "int" ? repr(item.value) + ", which YAML reads as " + SPEC.reads_as_number : repr(item.value);
  }

  // --- the checks, one per kind of rule, each giving [field, message] pairs ---

  function checkText(item, field, rule, out) {
    var value = item.value;
    if (item.type !== "str") { out.push([field, say("not_text", { described: described(item), hint: "; put it in quotes" })]); return; }
    if (rule.one_line && /[\n\r]/.test(value)) out.push([field, say("line_break")]);
    else if (!value.trim()) out.push([field, say("empty")]);
    else if (!visible(value)) {
      var blank = Array.from(value).find(function (c) { return SPEC.blank_letters.indexOf(c) >= 0; });
      var shown = blank ? " (it has U+" + blank.codePointAt(0).toString(16).toUpperCase().padStart(4, "0") + ", which prints as a blank)" : "";
      out.push([field, say("not_visible", { shown: shown })]);
    }
    else if (rule.max && length(value) > rule.max) out.push([field, say("too_long", { length: length(value), most: rule.max })]);
  }
  function visible(text) {
    return Array.from(text).some(function (c) { return /[\p{L}\p{N}]/u.test(c) && SPEC.blank_letters.indexOf(c) < 0; });
  }
  function meant(text) {
    var yearFirst = /^([0-9]{4})([\/.-])([0-9]{1,2})\2([0-9]{1,2})$/.exec(text);
    var dayFirst = /^([0-9]{1,2})([\/.-])([0-9]{1,2})\2([0-9]{4})$/.exec(text);
    var year, month, day;
    if (yearFirst) { year = +yearFirst[1]; month = +yearFirst[3]; day = +yearFirst[4]; }
    else if (dayFirst) {
      var first = +dayFirst[1], second = +dayFirst[3];
      year = +dayFirst[4];
      if (second > 12 && 12 >= first) { day = second; month = first; } else { day = first; month = second; }
    } else return "";
    if (!realDate(year, month, day)) return "";
    var iso = ("000" + year).slice(-4) + "-" + ("0" + month).slice(-2) + "-" + ("0" + day).slice(-2);
    var guessed = dayFirst && day <= 12 && month <= 12 && day !== month;
    var words = guessed ? ", " + day + " " + SPEC.months[month - 1] + " " + ("000" + year).slice(-4) : "";
    return say("date_meant", { iso: iso, words: words });
  }
  function realDate(year, month, day) {
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
  }
  function leap(year) { return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0; }
  function dateError(text) {
    var year = +text.slice(0, 4), month = +text.slice(5, 7), day = +text.slice(8, 10);
    if (year < 1) return SPEC.date_errors.year;
    if (month < 1 || month > 12) return SPEC.date_errors.month;
    return realDate(year, month, day) ? null : SPEC.date_errors.day;
  }
  function parseDate(text) {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text) || dateError(text)) return null;
    return new Date(text + "T00:00:00Z");
  }
  function checkDate(item, field, rule, out) {
    var value = item.value;
    if (rule.year && /^[0-9]{4}$/.test(value)) return;
    var form = SPEC.messages[rule.form || "date_form"];
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) out.push([field, say("date", { form: form, value: value, hint: meant(value) })]);
    else if (dateError(value)) out.push([field, say("not_a_date", { value: value, error: dateError(value) })]);
  }
  function checkUrl(item, field, rule, out) {
    var before = out.length;
    checkText(item, field, {}, out);
    if (out.length > before || !item.value.trim()) return;
    var match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\/?#]*)/.exec(item.value);
    var scheme = match ? match[1].toLowerCase() : "";
    if ((scheme !== "http" && scheme !== "https") || !match[2] || /\s/.test(item.value)) out.push([field, say("url", { value: item.value })]);
  }
  function checkId(item, field, rule, out) {
    var before = out.length;
    checkText(item, field, {}, out);
    if (out.length > before || !item.value.trim()) return;
    var value = item.value, id = SPEC.id;
    if (!new RegExp("^(?:" + id.pattern + ")$").test(value)) {
      var suggestion = (value.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().match(/[a-z0-9]+/g) || []).join("-");
      out.push([field, say("id_form", { value: value, hint: suggestion ? say("did_you_mean", { value: suggestion }) : "" })]);
    } else if (length(value) < id.low || length(value) > id.high) {
      out.push([field, say("id_length", { low: id.low, high: id.high, length: length(value), value: value })]);
    } else if (id.reserved.indexOf(value) >= 0) out.push([field, say("id_reserved", { value: value })]);
  }
  function checkRef(item, field, rule, out) {
    var elements = {}, valid = {};
    SPEC.framework.forEach(function (e) {
      elements[e.id] = e; valid[e.id] = true;
      e.questions.forEach(function (q) { valid[q.id] = true; });
    });
    var value = item.value;
    if (owns.call(valid, value)) return;
    var dot = value.indexOf("."), elementId = dot < 0 ? value : value.slice(0, dot), ref = dot < 0 ? "" : value.slice(dot + 1);
    var element = elements[elementId.toUpperCase()];
    var normalised = ref ? elementId.toUpperCase() + "." + ref.toLowerCase() : elementId.toUpperCase();
    if (owns.call(valid, normalised)) out.push([field, say("ref_case", { value: value, normalised: normalised })]);
    else if (element && ref) {
      var refs = element.questions.map(function (q) { return q.id.split(".")[1]; }).join(", ");
      out.push([field, say("ref_question", { element: element.id, name: element.name, ref: ref, refs: refs })]);
    } else {
      var ids = Object.keys(elements);
      var named = ids.map(function (id) { return id + " " + elements[id].name; }).join("; ");
      out.push([field, say("ref_unknown", { value: value, elements: named, hint: didYouMean(value, ids) })]);
    }
  }
  function checkValue(item, field, rule, out) {
    switch (rule.kind) {
      case "text":
        checkText(item, field, rule, out);
        if (item.type === "str" && item.value && rule.semicolon && item.value.indexOf(";") >= 0) out.push([field, say(rule.semicolon, { value: item.value })]);
        break;
      case "choice":
        if (rule.choices.indexOf(item.value) < 0) {
          out.push([field, say("choice", { choices: rule.choices.join(", "), value: item.value, hint: didYouMean(item.value, rule.choices) })]);
        }
        break;
      case "date": checkDate(item, field, rule, out); break;
      case "url": checkUrl(item, field, rule, out); break;
      case "id": checkId(item, field, rule, out); break;
      case "ref": checkRef(item, field, rule, out); break;
      case "years": {
        var match = /^([0-9]{4})(?:-([0-9]{4}))?$/.exec(item.value);
        if (!match) out.push([field, say("years", { described: described(item) })]);
        else if (match[2] && +match[2] < +match[1]) out.push([field, say("years_backwards", { value: item.value })]);
        break;
      }
      case "whole_number":
        if (item.type !== "int" || +item.value > rule.highest) {
          out.push([field, say("whole_number", { what: rule.what, highest: rule.highest, example: rule.example, described: described(item) })]);
        }
        break;
      case "list": {
        if (item.length < rule.min) out.push([field, say("list_short", { least: rule.min, example: rule.example })]);
        var seen = {};
        item.forEach(function (child, i) {
          var where = field + "[" + (i + 1) + "]";
          checkValue(child, where, rule.item, out);
          if (child.type) {
            var key = oneLine(child.value).normalize("NFC");
            if (owns.call(seen, key)) out.push([where, say("repeated", { value: child.value })]);
            seen[key] = true;
          }
        });
        break;
      }
      case "group": checkGroup(item, field, rule, out); break;
      default: break;  // a rule this script does not know: make check has the last word
    }
  }
  function checkGroup(values, field, rule, out) {
    rule.fields.forEach(function (sub) {
      if (owns.call(values, sub.key)) checkValue(values[sub.key], field + "." + sub.key, sub.rule, out);
    });
    rule.fields.forEach(function (sub) {
      if (sub.required && !owns.call(values, sub.key)) out.push([field + "." + sub.key, say("missing", { name: sub.key, example: sub.example })]);
    });
    if (rule.one_of && rule.one_of.length && !rule.one_of.some(function (k) { return owns.call(values, k); })) out.push([field, say("author_or_publisher")]);
  }

  // --- the body: its sections in the house style's order, and the checks make check makes of them ---

  function sections(kind) {
    var second = SPEC.body.second[kind] || SPEC.body.second[SPEC.cross.placed_kind];
    return [SPEC.body.first, second].concat(SPEC.body.rest);
  }
  function questionLine(q) {
    var link = "";
    SPEC.framework.forEach(function (e) {
      e.questions.forEach(function (question) { if (question.id === q.link) link = " See [" + question.id + "](" + question.link + ")."; });
    });
    return "- " + q.text.trim() + link;
  }
  function bodyText(draft) {
    var names = sections(draft.fields.kind || "");
    var parts = names.map(function (name, i) {
      var text;
      if (name === SPEC.body.questions) {
        text = draft.questions.filter(function (q) { return q.text.trim() || q.link; }).map(questionLine).join("\n");
      } else {
        text = (draft.sections[i === 1 ? "second" : name] || "").replace(/\s+$/, "");
      }
      return "## " + name + "\n\n" + (text ? text + "\n" : "");
    });
    return parts.join("\n");
  }
  function checkBody(body, kind, out, questionProblems) {
    if (!body.trim()) { out.push(["body", say("body_empty")]); return 0; }
    var lines = body.split("\n");
    var levelOne = new RegExp("^(?:" + SPEC.body.level_one + ")");
    lines.forEach(function (text) {
      if (levelOne.test(text)) out.push(["body", say("level_one", { heading: Array.from(text).slice(0, 60).join("") })]);
    });
    var words = lines.join(" ").split(/\s+/).filter(Boolean).length;
    // As make check: the house style is checked once the kind, which names the second section, is known.
    if (!owns.call(SPEC.body.second, kind)) return words;
    var expected = sections(kind), section = new RegExp("^" + SPEC.body.section);
    var found = [];
    lines.forEach(function (text, i) { var m = section.exec(text); if (m) found.push([i, m[1]]); });
    var names = found.map(function (f) { return f[1]; });
    var listing = expected.map(function (s) { return "'## " + s + "'"; }).join("; ");
    if (names.join("\n") !== expected.join("\n")) {
      var reported = false;
      for (var p = 0; p < expected.length && !reported; p++) {
        if (p >= found.length) { out.push(["body", say("section_missing", { want: expected[p], kind: kind, listing: listing })]); reported = true; }
        else if (found[p][1] !== expected[p]) {
          out.push(["body", say("section_misplaced", { got: found[p][1], want: expected[p], kind: kind, listing: listing })]);
          reported = true;
        }
      }
      if (!reported) out.push(["body", say("section_extra", { got: found[expected.length][1], listing: listing })]);
    }
    if (words < SPEC.body.min_words) out.push(["body", say("few_words", { words: words, least: SPEC.body.min_words })]);
    var at = names.indexOf(SPEC.body.questions);
    if (at >= 0) {
      var start = found[at][0], link = new RegExp(SPEC.body.question_link), bullets = [];
      for (var i = start + 1; i < lines.length; i++) if (lines[i].indexOf("- ") === 0) bullets.push(i);
      if (!bullets.length) out.push(["body", say("no_questions", { section: SPEC.body.questions })]);
      bullets.forEach(function (i, n) {
        if (!link.test(lines[i])) { out.push(["body", say("question_link")]); questionProblems[n] = say("question_link"); }
      });
    }
    return words;
  }

  // --- the case as written, and every problem in it ---

  function tree(draft) {
    var values = {};
    SPEC.fields.forEach(function (field) {
      var rule = field.rule, raw = draft.fields[field.key], value;
      if (rule.kind === "group") {
        value = {};
        rule.fields.forEach(function (sub) {
          var v = item(sub.rule, draft.fields[field.key + "." + sub.key]);
          if (v !== null) value[sub.key] = v;
        });
        if (!Object.keys(value).length) value = null;
      } else if (rule.kind === "list" && rule.item.kind === "group") {
        value = (draft.items[field.key] || []).map(function (entry) {
          var one = {};
          rule.item.fields.forEach(function (sub) {
            var v = item(sub.rule, entry[sub.key]);
            if (v !== null) one[sub.key] = v;
          });
          return one;
        }).filter(function (one) { return Object.keys(one).length; });
        if (!value.length && !field.needed) value = null;
      } else value = item(rule, raw, field.needed);
      if (value !== null) values[field.key] = value;
    });
    return values;
  }
  function item(rule, raw, needed) {
    if (rule.kind === "list") {
      var list = Array.isArray(raw) ? raw : String(raw || "").split(",");
      list = list.map(function (v) { return v.trim(); }).filter(Boolean);
      if (!list.length && !needed) return null;
      return list.map(function (v) { return written(rule.item, v); });
    }
    var text = String(raw || "").trim();
    if (!text && !needed) return null;
    return written(rule, text);
  }
  function yamlOf(values) {
    var out = ["---"];
    SPEC.fields.forEach(function (field) {
      if (!owns.call(values, field.key)) return;
      var value = values[field.key], rule = field.rule;
      if (rule.kind === "group") {
        out.push(field.key + ":");
        rule.fields.forEach(function (sub) { if (owns.call(value, sub.key)) out.push("  " + sub.key + ": " + yamlValue(value[sub.key])); });
      } else if (rule.kind === "list" && rule.item.kind === "group") {
        if (!value.length) out.push(field.key + ": []");
        else out.push(field.key + ":");
        value.forEach(function (one) {
          var first = true;
          rule.item.fields.forEach(function (sub) {
            if (!owns.call(one, sub.key)) return;
            out.push((first ? "  - " : "    ") + sub.key + ": " + yamlValue(one[sub.key]));
            first = false;
          });
        });
      } else out.push(field.key + ": " + yamlValue(value));
    });
    out.push("---");
    return out.join("\n") + "\n";
  }
  function yamlValue(value) {
    return Array.isArray(value) ? "[" + value.map(yamlScalar).join(", ") + "]" : yamlScalar(value);
  }
  function problemsOf(draft, values, body, questionProblems) {
    var out = [];
    SPEC.fields.forEach(function (field) {
      if (owns.call(values, field.key)) checkValue(values[field.key], field.key, field.rule, out);
      else if (field.needed) out.push([field.key, say("missing", { name: field.key, example: field.example })]);
    });
    var ident = values.id && values.id.value;
    if (ident && SPEC.taken.indexOf(ident) >= 0) out.push(["id", say("id_exists", { path: SPEC.case_file.replace("{id}", ident) })]);
    var cross = SPEC.cross, kind = values.kind && values.kind.value;
    if (kind === cross.placed_kind && !owns.call(values, cross.placed_by)) {
      out.push([cross.placed_by, say("spectrum_needed", { positions: cross.positions.join(", ") })]);
    }
    // The dates a case is published and reviewed: neither far ahead, and the second not before the first.
    var today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z"), first = cross.dated[0], then = cross.dated[1];
    var days = cross.dated.map(function (key) {
      var day = values[key] && parseDate(values[key].value);
      if (day && (day - today) / 864e5 > cross.future_days) out.push([key, say("future", { iso: values[key].value, key: key })]);
      return day;
    });
    if (days[0] && days[1] && days[1] < days[0]) {
      out.push([then, say("reviewed_early", { iso: values[then].value, published: values[first].value })]);
    }
    var words = checkBody(body, kind, out, questionProblems);
    return { problems: out, words: words };
  }
  function compose(draft) {
    var values = tree(draft), body = bodyText(draft), questionProblems = {};
    var found = problemsOf(draft, values, body, questionProblems);
    return { text: yamlOf(values) + "\n" + body, problems: found.problems, words: found.words, questions: questionProblems, id: values.id && values.id.value };
  }

  // --- the form ---

  function proposeId(title) {
    var words = title.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().match(/[a-z0-9]+/g) || [];
    var id = "";
    for (var i = 0; i < words.length; i++) {
      var next = id ? id + "-" + words[i] : words[i];
      if (next.length > SPEC.id.high) break;
      id = next;
    }
    return id;
  }
  function empty() { return { fields: {}, items: {}, sections: {}, questions: [], idTouched: false }; }

  function setUp() {
    var form = document.getElementById("atlas-composer");
    var holder = document.getElementById("atlas-composer-spec");
    if (!form || !holder || form.dataset.ready) return;
    form.dataset.ready = "yes";
    SPEC = JSON.parse(holder.textContent);
    form.hidden = false;
    var draft = load();
    // A link from a gap (?elements=2B.iii) fills its boxes once; a reload of the same address keeps later edits.
    var fromAddress = new URLSearchParams(window.location.search);
    if (fromAddress.toString() !== draft.applied) {
      fromAddress.forEach(function (value, key) {
        if (SPEC.fields.some(function (f) { return f.key === key || key.indexOf(f.key + ".") === 0; })) draft.fields[key] = value;
      });
    }
    var applied = fromAddress.toString();
    SPEC.set_for_you.forEach(function (key) { if (!draft.fields[key]) draft.fields[key] = new Date().toISOString().slice(0, 10); });
    var touched = {};

    function items(path) { return form.querySelector('[data-items-of="' + path + '"]'); }
    function addItem(path, values) {
      var list = items(path), template = form.querySelector('[data-item-template="' + path + '"]');
      var n = list.children.length + 1;
      var node = template.content.firstElementChild.cloneNode(true);
      node.querySelectorAll("[id],[for],[aria-describedby],[data-path],[data-problems-for]").forEach(function (el) {
        ["id", "for", "aria-describedby", "data-path", "data-problems-for"].forEach(function (name) {
          if (el.hasAttribute(name)) el.setAttribute(name, el.getAttribute(name).split("#").join(String(n)));
        });
      });
      var legend = node.querySelector("[data-item-legend]");
      legend.textContent = legend.textContent + " " + n;
      node.querySelectorAll("[data-sub]").forEach(function (el) {
        el.id = "atlas-q-" + n + "-" + el.dataset.sub;
        var label = node.querySelector('[data-for="' + el.dataset.sub + '"]');
        if (label) label.setAttribute("for", el.id);
        el.setAttribute("aria-describedby", "atlas-q-" + n + "-problems");
        if (values && values[el.dataset.sub] !== undefined) el.value = values[el.dataset.sub];
      });
      var qp = node.querySelector("[data-question-problems]");
      if (qp) qp.id = "atlas-q-" + n + "-problems";
      if (values) node.querySelectorAll("[data-path]").forEach(function (el) {
        var key = el.dataset.path.replace(/^.*\]\./, "");
        if (values[key] !== undefined) el.value = values[key];
      });
      list.appendChild(node);
      return node;
    }
    function renumber(path) {
      var saved = readItems(path);
      items(path).innerHTML = "";
      saved.forEach(function (values) { addItem(path, values); });
    }
    function readItems(path) {
      return Array.prototype.map.call(items(path).children, function (li) {
        var one = {};
        li.querySelectorAll("[data-path]").forEach(function (el) { one[el.dataset.path.replace(/^.*\]\./, "")] = el.value; });
        li.querySelectorAll("[data-sub]").forEach(function (el) { one[el.dataset.sub] = el.value; });
        return one;
      });
    }
    function read() {
      var out = empty();
      form.querySelectorAll("[data-path]").forEach(function (el) {
        if (el.closest("[data-items-of]")) return;
        if (el.dataset.list === "choice") {
          out.fields[el.dataset.path] = Array.prototype.filter.call(el.querySelectorAll("input"), function (box) { return box.checked; })
            .map(function (box) { return box.value; });
        } else out.fields[el.dataset.path] = el.value;
      });
      form.querySelectorAll("[data-items-of]").forEach(function (list) {
        var path = list.dataset.itemsOf;
        if (path === "questions") out.questions = readItems(path);
        else out.items[path] = readItems(path);
      });
      form.querySelectorAll("[data-section]").forEach(function (el) { out.sections[el.dataset.section] = el.value; });
      out.idTouched = draft.idTouched;
      out.applied = applied;
      return out;
    }
    function fill(state) {
      form.querySelectorAll("[data-path]").forEach(function (el) {
        if (el.closest("[data-items-of]")) return;
        var value = state.fields[el.dataset.path];
        if (el.dataset.list === "choice") {
          var chosen = Array.isArray(value) ? value : String(value || "").split(",").map(function (v) { return v.trim(); });
          el.querySelectorAll("input").forEach(function (box) { box.checked = chosen.indexOf(box.value) >= 0; });
        } else if (value !== undefined) el.value = Array.isArray(value) ? value.join(", ") : value;
      });
      form.querySelectorAll("[data-items-of]").forEach(function (list) {
        var path = list.dataset.itemsOf, saved = path === "questions" ? state.questions : state.items[path];
        list.innerHTML = "";
        (saved && saved.length ? saved : [{}]).forEach(function (values) { addItem(path, values); });
      });
      form.querySelectorAll("[data-section]").forEach(function (el) { el.value = state.sections[el.dataset.section] || ""; });
    }
    function show(list, messages) {
      list.innerHTML = "";
      messages.forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
    }
    function route(field) {
      // The box a problem belongs to: the longest part of its field name that has a box of its own.
      var path = field;
      while (path) {
        var list = form.querySelector('[data-problems-for="' + path + '"]');
        if (list) return list;
        path = path.replace(/(\.[^.\[\]]*|\[[0-9]+\])$/, "");
        if (!/[.\[]/.test(path) && !form.querySelector('[data-problems-for="' + path + '"]')) break;
      }
      return form.querySelector('[data-problems-for="' + path + '"]') || form.querySelector('[data-problems-for="body"]');
    }
    function update(save) {
      var state = read();
      var kind = state.fields.kind || SPEC.cross.placed_kind;
      var second = SPEC.body.second[kind] || SPEC.body.second[SPEC.cross.placed_kind];
      form.querySelector('[data-section-label="second"]').textContent = second;
      form.querySelector('[data-section-hint="second"]').textContent = SPEC.body.guidance[second];
      if (!state.idTouched && state.fields.title !== undefined) {
        var idBox = form.querySelector('[data-path="id"]');
        idBox.value = proposeId(state.fields.title);
        state.fields.id = idBox.value;
      }
      draft = state;
      if (save) store(state);
      var made = compose(state);
      var byBox = new Map();
      form.querySelectorAll("[data-problems-for]").forEach(function (list) { byBox.set(list, []); });
      made.problems.forEach(function (problem) {
        if (problem[1] === say("question_link")) return;  // shown beside the question itself
        var list = route(problem[0]);
        byBox.get(list).push(problem[0] + ": " + problem[1]);
      });
      byBox.forEach(function (messages, list) {
        var box = list.dataset.problemsFor;
        var shown = touched[box] || touched.all || messages.length && list.closest(".atlas-composer-item") && touched[box.replace(/\..*$/, "")];
        show(list, shown || box === "body" && touched.body ? messages : []);
        var control = form.querySelector('[data-path="' + box + '"]');
        if (control) control.setAttribute("aria-invalid", shown && messages.length ? "true" : "false");
      });
      form.querySelectorAll("[data-question-problems]").forEach(function (list, i) {
        var question = state.questions[i] || {};
        var message = made.questions[i] && (touched.questions || touched.all) && question.text && question.text.trim() ? ["body: " + made.questions[i]] : [];
        show(list, message);
      });
      form.querySelectorAll("[data-count-of]").forEach(function (p) {
        var name = p.dataset.countOf, text = state.sections[name] || "";
        var n = text.split(/\s+/).filter(Boolean).length;
        p.textContent = n === 1 ? "1 word" : n + " words";
      });
      document.getElementById("atlas-composer-words").textContent =
        "The case has " + made.words + " words in all, headings included; it needs at least " + SPEC.body.min_words + ".";
      document.getElementById("atlas-composer-file").textContent = made.text;
      var status = document.getElementById("atlas-composer-status");
      var count = made.problems.length;
      status.textContent = count ? count + (count === 1 ? " thing" : " things") + " to fix before the case can be proposed: each is shown beside its box."
        : "Nothing to fix: the case is ready to propose. The atlas's checks run again on GitHub.";
      setPropose(made);
      return made;
    }
    function setPropose(made) {
      var link = document.getElementById("atlas-composer-propose"), note = document.getElementById("atlas-composer-propose-note");
      var repo = SPEC.repository;
      if (!repo) {
        link.setAttribute("href", "../#routes");
        note.textContent = "This copy of the site does not know its GitHub repository (the site's repo_url is not set), "
          + "so it cannot open a proposal for you. Download or copy the file and send it to the atlas's maintainers.";
        return;
      }
      var file = SPEC.case_file.replace("{id}", made.id || "new-case");
      var address = repo.url + "/new/" + encodeURIComponent(repo.branch) + "?filename=" + encodeURIComponent(file) + "&value=" + encodeURIComponent(made.text);
      // Browsers and GitHub refuse very long addresses: past this the answers go to the issue form instead.
      if (address.length > 7000) {
        address = repo.url + "/issues/new?template=" + encodeURIComponent(repo.form) + "&title=" + encodeURIComponent("Case: " + (draft.fields.title || ""));
        note.textContent = "The case is too long to open as a file in one address, so this opens the issue form with "
          + "the details filled in: paste each section of the case into its box.";
        Object.keys(draft.fields).forEach(function (key) {
          var value = draft.fields[key], box = SPEC.form_ids[key];
          value = Array.isArray(value) ? value.join(", ") : value;
          if (value && box) address += "&" + encodeURIComponent(box) + "=" + encodeURIComponent(value);
        });
      } else note.textContent = "This opens GitHub's page for adding the file, with the text filled in. You need a GitHub account; GitHub offers to make your own copy of the atlas and then a pull request.";
      link.setAttribute("href", address);
    }
    function load() {
      try {
        var saved = JSON.parse(localStorage.getItem(KEY));
        if (saved && saved.fields) return Object.assign(empty(), saved);
      } catch (e) { /* nothing saved, or storage blocked */ }
      return empty();
    }
    function store(state) {
      try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage full or blocked */ }
    }

    fill(draft);
    form.addEventListener("input", function (event) {
      var el = event.target;
      if (el.dataset && el.dataset.path === "id") draft.idTouched = true;
      mark(el);
      update(true);
    });
    form.addEventListener("change", function (event) { mark(event.target); update(true); });
    form.addEventListener("focusout", function (event) { mark(event.target); update(false); });
    function mark(el) {
      var holder = el.closest("[data-path]") || el;
      if (holder.dataset && holder.dataset.path) touched[holder.dataset.path] = true;
      if (el.dataset && el.dataset.section !== undefined) touched.body = true;
      if (el.closest("[data-items-of=questions]")) touched.questions = touched.body = true;
      var item = el.closest("[data-items-of]");
      if (item && item.dataset.itemsOf !== "questions") touched[item.dataset.itemsOf] = true;
    }
    form.addEventListener("click", function (event) {
      var el = event.target.closest("button");
      if (!el) return;
      if (el.dataset.addItem) {
        var node = addItem(el.dataset.addItem);
        var first = node.querySelector("input, select, textarea");
        if (first) first.focus();
        update(true);
      } else if (el.hasAttribute("data-remove-item")) {
        var list = el.closest("[data-items-of]");
        el.closest("li").remove();
        renumber(list.dataset.itemsOf);
        update(true);
        var add = form.querySelector('[data-add-item="' + list.dataset.itemsOf + '"]');
        if (add) add.focus();
      } else if (el.dataset.pick) {
        var pick = document.getElementById("atlas-composer-pick"), box = form.querySelector('[data-path="' + el.dataset.pick + '"]');
        if (pick.value) {
          var chosen = box.value.split(",").map(function (v) { return v.trim(); }).filter(Boolean);
          if (chosen.indexOf(pick.value) < 0) chosen.push(pick.value);
          box.value = chosen.join(", ");
          touched[el.dataset.pick] = true;
          update(true);
        }
      } else if (el.id === "atlas-composer-download") {
        var made = update(false), blob = new Blob([made.text], { type: "text/markdown" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = (made.id || "new-case") + ".md";
        document.body.appendChild(a);
        a.click();
        a.remove();
      } else if (el.id === "atlas-composer-copy") {
        var text = update(false).text, status = document.getElementById("atlas-composer-status");
        var done = function () { status.textContent = "Copied the case file."; };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () { selectFile(); });
        else selectFile();
      } else if (el.id === "atlas-composer-clear") {
        if (window.confirm("Clear the form and the saved draft?")) {
          try { localStorage.removeItem(KEY); } catch (e) { /* blocked */ }
          draft = empty();
          SPEC.set_for_you.forEach(function (key) { draft.fields[key] = new Date().toISOString().slice(0, 10); });
          touched = {};
          fill(draft);
          update(false);
        }
      }
    });
    function selectFile() {
      var range = document.createRange();
      range.selectNodeContents(document.getElementById("atlas-composer-file"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.getElementById("atlas-composer-status").textContent = "The file is selected: press Ctrl+C (or Cmd+C) to copy it.";
    }
    // A restored draft or a filled-in link shows the problems of the boxes that already hold something.
    Object.keys(draft.fields).forEach(function (key) {
      if (draft.fields[key] && String(draft.fields[key]).length && !SPEC.set_for_you.includes(key)) touched[key] = true;
    });
    update(true);
    // For tests and tools: the composer's verdict on a draft, and the file it writes.
    window.atlasComposer = { compose: compose, touchAll: function () { touched.all = touched.body = touched.questions = true; return update(false); } };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
