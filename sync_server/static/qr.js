/* Improves the QR page when JavaScript runs; the page works without it. ES5 only: old phones. */
(function () {
  var form = document.getElementById("qr-form");
  if (!form) { return; }
  // The reasons step, inline: shown as soon as a 1 or 2 is chosen (without JS: a second page).
  var reasons = document.getElementById("qr-reasons");
  var seen = document.getElementById("qr-reasons-seen");
  function updateReasons() {
    if (!reasons) { return; }
    var low = form.querySelector('.qr-face input[value="1"]:checked, .qr-face input[value="2"]:checked');
    reasons.hidden = !low;
    seen.value = low ? "1" : "0";
  }
  form.addEventListener("change", updateReasons);
  updateReasons();
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
