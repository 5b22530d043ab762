/* Improves the QR page when JavaScript runs; the page works without it. ES5 only: old phones.
   - A form of several questions shows one question per screen ("Câu 2/8"), with back and next;
     the steps live in the address (#cau-2), so the phone's back button goes back one question.
     Going back keeps the answers: every question stays in the form, only hidden.
   - Questions are optional; pressing "Gửi" with no face chosen shows the message above the
     first question, with its title in view.
   - A filter box over the procedures. */
(function () {
  var form = document.getElementById("qr-form");
  if (!form) { return; }
  var problems = document.getElementById("qr-problems");
  var questions = form.querySelectorAll(".qr-question");
  var steps = form.querySelectorAll(".qr-step");
  var topics = document.getElementById("qr-reasons");
  var stepMode = questions.length > 1;
  var current = 0, back, next;

  function answered(scope) { return scope.querySelector(".qr-face input:checked"); }

  function show(n) {
    current = Math.max(0, Math.min(n, steps.length - 1));
    for (var i = 0; i < steps.length; i++) { steps[i].hidden = i !== current; }
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    updateNext();
    if (problems.hidden) { window.scrollTo(0, 0); } else { problems.scrollIntoView(true); }
  }
  function updateNext() {
    if (current < questions.length) {
      next.textContent = answered(questions[current]) ? form.getAttribute("data-next") : form.getAttribute("data-skip");
    }
  }
  function stepFromHash() {
    var m = /^#cau-(\d+)$/.exec(window.location.hash);
    return m ? parseInt(m[1], 10) - 1 : 0;
  }
  function go(n) {
    window.location.hash = "cau-" + (n + 1);  // hashchange shows it, and the back button returns
  }
  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "qr-nav-button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  if (stepMode) {
    form.className += " qr-steps";
    document.documentElement.className += " qr-stepping";
    var nav = document.createElement("div");
    nav.className = "qr-nav";
    back = button(form.getAttribute("data-back"), function () { go(current - 1); });
    next = button(form.getAttribute("data-next"), function () { go(current + 1); });
    back.className += " qr-back-button";
    next.className += " qr-next-button";
    nav.appendChild(back);
    nav.appendChild(next);
    form.appendChild(nav);
    window.addEventListener("hashchange", function () { show(stepFromHash()); });
    // A page sent back with a problem opens at its first question; otherwise where the address says.
    show(problems.hidden ? stepFromHash() : 0);
  } else if (topics && !answered(form)) {
    topics.hidden = true;  // one question: the topics follow the face, whichever face it is
  }

  form.addEventListener("change", function () {
    if (stepMode) { updateNext(); }
    if (topics && !stepMode) { topics.hidden = !answered(form); }
    if (answered(form)) { problems.hidden = true; }
  });

  form.addEventListener("submit", function (e) {
    if (answered(form)) { return; }
    e.preventDefault();
    problems.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = form.getAttribute("data-none");
    problems.appendChild(p);
    problems.hidden = false;
    // The message and, right under it, the first question's title.
    if (stepMode && current !== 0) { go(0); } else { problems.scrollIntoView(true); }
  });

  // A filter box over the procedures: letters without Vietnamese marks match too.
  var filter = document.getElementById("qr-filter");
  function plain(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  if (filter && String.prototype.normalize) {
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var words = plain(filter.value).split(/\s+/).filter(Boolean);
      var groups = form.querySelectorAll(".qr-group");
      for (var g = 0; g < groups.length; g++) {
        var items = groups[g].querySelectorAll(".qr-proc"), shown = 0;
        for (var i = 0; i < items.length; i++) {
          var text = plain(items[i].textContent), ok = true;
          for (var w = 0; w < words.length; w++) { if (text.indexOf(words[w]) < 0) { ok = false; } }
          items[i].hidden = !ok;
          if (ok) { shown++; }
        }
        groups[g].hidden = shown === 0;
      }
    });
  }
})();
