// Progressive enhancement only: the form works without this file. It adds "select all / none"
// and counts the pages of the current choice as it changes (GET /api/pages, a real layout on the server).
(function () {
  "use strict";
  var form = document.getElementById("desk-form");
  if (!form) return;
  var out = document.getElementById("pages");
  var boxes = form.querySelectorAll('input[name="sections"]');
  var bulk = form.querySelector(".bulk");
  var countButton = document.getElementById("count-button");
  if (countButton) countButton.hidden = true;
  if (bulk) {
    bulk.hidden = false;
    bulk.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      boxes.forEach(function (x) { x.checked = b.dataset.all === "1"; });
      update();
    });
  }
  var timer = null, seq = 0;
  var say = out.dataset;  // the page's words, in the page's language (from the locale file)
  function pagesText(n) { return say.nPages.replace("{n}", String(n)); }
  function update() {
    out.dataset.state = "waiting";  // tests (and curious people) can tell a stale count from a fresh one
    clearTimeout(timer);
    timer = setTimeout(count, 250);
  }
  function count() {
    var q = new URLSearchParams();
    var paper = form.querySelector('input[name="paper"]:checked');
    q.set("paper", paper ? paper.value : "letter");
    q.set("large_print", form.querySelector('input[name="large_print"]').checked ? "true" : "false");
    var language = form.querySelector('input[name="language"]:checked');
    if (language) q.set("language", language.value);
    var chosen = 0;
    boxes.forEach(function (x) { if (x.checked) { q.append("sections", x.value); chosen++; } });
    if (!chosen) { out.textContent = say.thisCopy + " " + say.choose; out.dataset.state = "done"; return; }
    var mine = ++seq;
    out.dataset.state = "counting";
    out.textContent = say.thisCopy + " " + say.counting;
    fetch("/api/pages?" + q.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        if (mine !== seq) return;
        out.dataset.state = "done";
        if (res[0] === 200) {
          var strong = document.createElement("strong");
          strong.textContent = pagesText(res[1].pages);
          out.replaceChildren(say.thisCopy + " ", strong, ".");
        }
        else out.textContent = say.thisCopy + " " + say.notCounted + " (" + ((res[1].errors || [{}])[0].message || res[0]) + ").";
      })
      .catch(function () {
        if (mine === seq) { out.textContent = say.thisCopy + " " + say.notCounted + "."; out.dataset.state = "done"; }
      });
  }
  form.addEventListener("change", function (ev) {
    var n = ev.target.name;
    if (n === "paper" || n === "large_print" || n === "sections" || n === "language") update();
  });
  count();
})();
